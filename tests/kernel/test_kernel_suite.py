"""The standard conformance suite of jupyter_kernel_test, configured for the
coursdl kernel (one kernel for the whole class)."""
from __future__ import annotations

import sys
from pathlib import Path
from unittest import SkipTest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import kernel_helpers  # noqa: E402  (sets JUPYTER_PATH before any kernel manager exists)
import jupyter_kernel_test as jkt  # noqa: E402
from jupyter_kernel_test.msgspec_v5 import validate_message  # noqa: E402


class CoursdlKernelTests(jkt.KernelTests):
    kernel_name = "coursdl"
    language_name = "c"
    file_extension = ".c"

    @classmethod
    def setUpClass(cls) -> None:
        kernel_helpers.require_kernelspec()
        super().setUpClass()

    code_hello_world = 'printf("hello, world\\n");'
    code_stderr = 'fprintf(stderr, "something on stderr\\n");'

    complete_code_samples = [
        "int suite_x = 1;",
        'printf("hi\\n");',
        "6*7",
        "int suite_f(void) { return 1; }",
        "for (int i = 0; i < 3; i++) {\n    suite_x += i;\n}",
        'char *suite_s = "{ not a brace";',
        "/* a comment { */ int suite_y = 2;",
    ]
    incomplete_code_samples = [
        "int suite_g(void) {",
        "for (int i = 0; i < 3; i++) {\n    suite_x += i;",
        "int suite_a[] = {1, 2,",
        "/* an open comment",
    ]
    invalid_code_samples = [
        "}",
        "int suite_z = (1 + 2));",
        "int suite_w = 1; }",
    ]

    code_generate_error = "int suite_err = ;"

    code_execute_result = [
        {"code": "6*7", "result": "42"},
        {"code": "1.5 + 2", "result": "3.5"},
        {"code": "(char)65", "result": "'A' (65)"},
        {"code": "(bool)1", "result": "true"},
    ]

    code_display_data = [
        {"code": 'display_text("shown by display_text");', "mime": "text/plain"},
    ]

    # A glob that matches only "6*7" among the codes this class runs.
    code_history_pattern = "6*7"
    supported_history_operations = ("tail", "range", "search")

    code_clear_output = "clear_output(false);"

    # Only the reply's format is checked (the matches depend on the headers).
    completion_samples = [{"text": "display_te"}, {"text": "int x = 1; pri"}]

    code_inspect_sample = "display_text"

    # ?name opens the pager (an execute_reply "page" payload)
    code_page_something = "?tensor_randn"

    def test_inspect(self) -> None:
        # inspect_request is not part of the specification: test it only
        # when the kernel says it found something.
        self.flush_channels()
        msg_id = self.kc.inspect(self.code_inspect_sample)
        reply = self.get_non_kernel_info_reply(timeout=jkt.TIMEOUT)
        validate_message(reply, "inspect_reply", msg_id)
        if reply["content"].get("status") != "ok" or not reply["content"].get("found"):
            raise SkipTest("inspect_request not supported by this kernel")
        super().test_inspect()
