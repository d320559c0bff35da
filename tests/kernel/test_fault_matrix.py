"""The fault matrix: every kind of faulty cell a student writes, run one after
the other in ONE kernel. After each case the kernel must be the same process,
a sentinel variable (and a tensor) set before the first case must keep its
value, and a fresh cell must run (print, malloc, answer). The matrix (cases /
survived) is written to build/test-reports/fault_matrix.txt and printed.

Each case names the error it must end with: a cell error whose ename names
the problem (or "ok" when the cell is legal C that must just work)."""
from __future__ import annotations

import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from kernel_helpers import (REPO, collect_iopub, errors, execute_results, get_reply, run, stderr_of, stdout_of,
                            summarize)

REPORT = REPO / "build" / "test-reports" / "fault_matrix.txt"
TMP_MARK = "@TMP@"  # the test's own temporary folder (pytest's tmp_path), set when it runs

PRELUDE = r"""
#include <signal.h>
#include <unistd.h>
#include <pthread.h>
#include <setjmp.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <limits.h>
#include <assert.h>
#include <sys/resource.h>
#include <semaphore.h>
FILE *popen(const char *command, const char *type);
int pclose(FILE *stream);
FILE *freopen(const char *path, const char *mode, FILE *stream);
int fm_sentinel = 271828;
Tensor *fm_tensor = tensor_full(3.5, 1);
"""

SEGV = ("SegmentationFault",)
ANY_CRASH = ("SegmentationFault", "IllegalInstruction", "BufferOverflow", "BusError")


@dataclass
class Case:
    item: str            # the item ("1 overflow", "3 signals"...)
    name: str
    code: str
    expect: tuple | str  # acceptable enames, or "ok"
    evalue_has: str = ""
    stdout_has: str = ""
    setup: str = ""      # run (and must succeed) before the case
    after: str = ""      # run after it; must succeed...
    after_out: str = ""  # ...and print this
    no_children: bool = False
    timeout: float = 20.0
    interrupt_after: float = 0.0  # the stop button, this many seconds after the cell started
    allow_stdin: bool = False
    files: dict = field(default_factory=dict)  # written into the test's folder first: name -> bytes
    rss_max_mb: float = 0.0  # the kernel's resident memory may grow at most this much
    max_stream_bytes: int = 0  # what the cell's output may total on IOPub
    extra: dict = field(default_factory=dict)


def tmpfile(name: str) -> str:
    return f"{TMP_MARK}/{name}"


def npy_bytes(header: str) -> bytes:
    h = header.encode()
    return b"\x93NUMPY\x01\x00" + len(h).to_bytes(2, "little") + h


def safetensors_bytes(header: str, data_len: int) -> bytes:
    h = header.encode()
    return len(h).to_bytes(8, "little") + h + bytes(data_len)


IDX_IMAGES = bytes([0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 2]) + bytes(range(1, 9))
IDX_LABELS = bytes([0, 0, 8, 1, 0, 0, 0, 2, 3, 200])  # 200: not a digit


CASES = [
    # 1. writing past an array
    Case("1 overflow", "local array, cell statements", "int fa[10];\nfor (int i = 0; i <= 20; i++) fa[i] = 0;",
         ("BufferOverflow",), "index 10"),
    Case("1 overflow", "local array in a function",
         "void fm_clear10(void) { int a[10]; int i; for (i = 0; i <= 20; i++) a[i] = 0; }\nfm_clear10();",
         ("BufferOverflow",), "fm_clear10"),
    Case("1 overflow", "strcpy into char[8]",
         'void fm_cp(void) { char b[8]; strcpy(b, "much longer than eight"); }\nfm_cp();',
         ("BufferOverflow",), "strcpy"),
    Case("1 overflow", "strcat past the end",
         'void fm_cat(void) { char b[8] = "abc"; strcat(b, "defghijk"); }\nfm_cat();', ("BufferOverflow",)),
    Case("1 overflow", "memcpy past the end",
         "void fm_mc(void) { char d[4]; char s[16] = {0}; memcpy(d, s, sizeof s); }\nfm_mc();",
         ("BufferOverflow",), "memcpy"),
    Case("1 overflow", "read one past the end",
         "int fm_r[4] = {1, 2, 3, 4}; int fm_s = 0;\nfor (int i = 0; i <= 4; i++) fm_s += fm_r[i];",
         ("BufferOverflow",), "index 4"),
    Case("1 overflow", "heap block", "int *fm_h = malloc(10 * sizeof(int));\nfm_h[100] = 1;", ("BufferOverflow",)),
    Case("1 overflow", "global array of an earlier cell", "fm_g[7] = 1;", ("BufferOverflow",), "fm_g",
         setup="int fm_g[5];"),
    Case("1 overflow", "sprintf into char[8] (unchecked function)",
         'void fm_sp(void) { char b[8]; sprintf(b, "%s", "a string much longer than the buffer, '
         'long enough to reach the return address"); }\nfm_sp();', ANY_CRASH),
    Case("1 overflow", "%bounds off: 400 KB past a local array",
         "void fm_wipe(void) { int a[10]; for (int i = 0; i < 100000; i++) a[i] = 0; }\nfm_wipe();",
         ANY_CRASH, setup="%bounds off", after="%bounds on"),
    Case("1 overflow", "%bounds off: 44 bytes past a local array",
         "void fm_w44(void) { int a[10]; for (int i = 0; i <= 20; i++) a[i] = 0; }\nfm_w44();",
         ANY_CRASH + ("ok",), setup="%bounds off", after="%bounds on"),
    # 3. signals whose default action ends the process
    Case("3 signals", "write to a closed pipe",
         'int fm_p[2]; pipe(fm_p); close(fm_p[0]);\nwrite(fm_p[1], "x", 1);', ("BrokenPipe",)),
    Case("3 signals", "popen reader gone",
         'FILE *fm_pp = popen("exit 0", "w");\nstatic char fm_z[300000];\n'
         "fwrite(fm_z, 1, sizeof fm_z, fm_pp); fflush(fm_pp);", ("BrokenPipe",)),
    Case("3 signals", "raise(SIGPIPE)", "raise(SIGPIPE);", ("BrokenPipe",)),
    Case("3 signals", "alarm, busy", "alarm(1);\nfor (;;) {}", ("Signal",), "SIGALRM"),
    Case("3 signals", "alarm, sleeping", "alarm(1);\nsleep(5);", ("Signal",), "SIGALRM"),
    Case("3 signals", "raise(SIGTERM)", "raise(SIGTERM);", ("Signal",), "SIGTERM"),
    Case("3 signals", "raise(SIGUSR1)", "raise(SIGUSR1);", ("Signal",), "SIGUSR1"),
    Case("3 signals", "raise(SIGUSR2)", "raise(SIGUSR2);", ("Signal",), "SIGUSR2"),
    Case("3 signals", "raise(SIGHUP)", "raise(SIGHUP);", ("Signal",), "SIGHUP"),
    Case("3 signals", "raise(SIGQUIT)", "raise(SIGQUIT);", ("Signal",), "SIGQUIT"),
    Case("3 signals", "kill(getpid(), SIGTERM)", "kill(getpid(), SIGTERM);", ("Signal",), "SIGTERM"),
    Case("3 signals", "kill(getpid(), SIGUSR1)", "kill(getpid(), SIGUSR1);", ("Signal",), "SIGUSR1"),
    Case("3 signals", "SIGUSR2 sent by a thread of the cell",
         "void *fm_k(void *a) { kill(getpid(), SIGUSR2); return 0; }\n"
         "pthread_t fm_t0; pthread_create(&fm_t0, 0, fm_k, 0); pthread_join(fm_t0, 0); sleep(2);", ("Signal",)),
    Case("3 signals", "raise(SIGKILL)", "raise(SIGKILL);", ("Signal",), "SIGKILL"),
    Case("3 signals", "kill(getpid(), SIGSTOP)", "kill(getpid(), SIGSTOP);", ("Signal",), "SIGSTOP"),
    Case("3 signals", "fault in a thread",
         "void *fm_bad(void *a) { *(volatile int *)0 = 1; return 0; }\n"
         "pthread_t fm_t1; pthread_create(&fm_t1, 0, fm_bad, 0); pthread_join(fm_t1, 0);",
         ("ThreadFault",), "fm_bad"),
    Case("3 signals", "stack overflow in a thread",
         "void *fm_deep(void *a) { volatile char b[4096]; b[0] = 1; fm_deep(a); return 0; }\n"
         "pthread_t fm_t2; pthread_create(&fm_t2, 0, fm_deep, 0); pthread_join(fm_t2, 0);",
         ("ThreadFault",), "StackOverflow"),
    Case("3 signals", "engine error in a thread",
         "void *fm_eng(void *a) { tensor_matmul(tensor_zeros(2, 3), tensor_zeros(4, 5)); return 0; }\n"
         "pthread_t fm_t3; pthread_create(&fm_t3, 0, fm_eng, 0); pthread_join(fm_t3, 0);",
         ("ThreadFault",), "ShapeError"),
    Case("3 signals", "exit() in a thread",
         "void *fm_ex(void *a) { exit(3); return 0; }\n"
         "pthread_t fm_t4; pthread_create(&fm_t4, 0, fm_ex, 0); pthread_join(fm_t4, 0);",
         ("ThreadFault",), "SystemExit"),
    Case("3 signals", "signal(SIGSEGV, SIG_DFL) then a fault", "*(volatile int *)0 = 1;", SEGV,
         setup="signal(SIGSEGV, SIG_DFL);"),
    Case("3 signals", "SIGSEGV blocked then a fault",
         "sigset_t fm_ss; sigemptyset(&fm_ss); sigaddset(&fm_ss, SIGSEGV);\n"
         "sigprocmask(SIG_BLOCK, &fm_ss, 0);\n*(volatile int *)0 = 1;", SEGV),
    Case("3 signals", "the cell's SIGSEGV handler longjmps out",
         "jmp_buf fm_jb; void fm_h(int s) { longjmp(fm_jb, 1); }\n"
         'signal(SIGSEGV, fm_h);\nif (!setjmp(fm_jb)) *(volatile int *)0 = 1;\nprintf("recovered\\n");',
         "ok", stdout_has="recovered", after="signal(SIGSEGV, SIG_DFL);"),
    Case("3 signals", "the cell's SIGALRM handler",
         "volatile int fm_got = 0; void fm_al(int s) { fm_got = 1; }\n"
         'signal(SIGALRM, fm_al); alarm(1); pause(); printf("got %d\\n", fm_got);',
         "ok", stdout_has="got 1", after="signal(SIGALRM, SIG_DFL);"),
    Case("3 signals", "signal(SIGINT, SIG_IGN)", "signal(SIGINT, SIG_IGN);", "ok",
         after="signal(SIGINT, SIG_DFL);"),
    Case("3 signals", "raise(SIGPWR): the collector's signal", "raise(SIGPWR);", ("Signal",), "garbage collector"),
    Case("3 signals", "kill(getpid(), SIGXCPU): the collector's", "kill(getpid(), SIGXCPU);", ("Signal",),
         "garbage collector"),
    Case("3 signals", "execl", 'execl("/bin/ls", "ls", (char *)0);', ("ExecError",), "execl"),
    Case("3 signals", "execvp", 'char *fm_av[] = {"ls", 0};\nexecvp("ls", fm_av);', ("ExecError",)),
    Case("3 signals", "daemon", "daemon(0, 0);", ("ExecError",)),
    # 4. fork
    Case("4 fork", "fork, the child exits, the parent waits",
         'pid_t fm_pid = fork();\nif (fm_pid == 0) { printf("child\\n"); exit(0); }\n'
         'int fm_st; waitpid(fm_pid, &fm_st, 0); printf("parent %d\\n", WEXITSTATUS(fm_st));',
         "ok", stdout_has="parent 0", no_children=True),
    Case("4 fork", "fork, the child runs the rest of the cell",
         'if (fork() == 0) printf("in child\\n");\nwait(NULL);\nprintf("end\\n");', "ok", stdout_has="in child",
         no_children=True),
    Case("4 fork", "fork, the child outlives the cell", "if (fork() == 0) sleep(100);", "ok", no_children=True),
    Case("4 fork", "fork, the child crashes",
         "pid_t fm_c = fork();\nif (fm_c == 0) *(volatile int *)0 = 1;\n"
         'int fm_cs; waitpid(fm_c, &fm_cs, 0); printf("child status %d\\n", WEXITSTATUS(fm_cs));',
         "ok", stdout_has="child status 1", no_children=True),
    Case("4 fork", "fork, the child execs",
         'pid_t fm_e = fork();\nif (fm_e == 0) { execl("/bin/echo", "echo", "from exec", (char *)0); _exit(9); }\n'
         "waitpid(fm_e, 0, 0);", "ok", stdout_has="from exec", no_children=True),
    # 5. standard streams
    Case("5 streams", "close(1)", "close(1);", "ok"),
    Case("5 streams", "close(2)", "close(2);", "ok", after='fprintf(stderr, "stderr back\\n");',
         after_out="stderr back"),
    Case("5 streams", "fclose(stdout)", "fclose(stdout);", "ok"),
    Case("5 streams", "fclose(stderr)", "fclose(stderr);", "ok", after='fprintf(stderr, "stderr back\\n");',
         after_out="stderr back"),
    Case("5 streams", "freopen(file, stdout)",
         f'freopen("{tmpfile("freopen")}", "w", stdout);\nprintf("to the file\\n");', "ok",
         extra={"file": tmpfile("freopen"), "file_has": "to the file"}),
    Case("5 streams", "dup2(fd, 1)",
         f'int fm_fd = open("{tmpfile("dup2")}", O_WRONLY | O_CREAT | O_TRUNC, 0644);\n'
         'dup2(fm_fd, 1);\nprintf("to the file\\n");', "ok",
         extra={"file": tmpfile("dup2"), "file_has": "to the file"}),
    Case("5 streams", "stdout = fopen(...)",
         f'stdout = fopen("{tmpfile("assign")}", "w");\nprintf("to the file\\n");', "ok",
         extra={"file": tmpfile("assign"), "file_has": "to the file"}),
    Case("5 streams", "close every fd from 3 to 1023", "for (int fd = 3; fd < 1024; fd++) close(fd);", "ok"),
    # 6. allocator misuse
    Case("6 allocator", "free twice", "char *fm_d = malloc(32);\nfree(fm_d);\nfree(fm_d);", ("DoubleFree",)),
    Case("6 allocator", "free inside a block", "char *fm_i = malloc(32);\nfree(fm_i + 8);", ("InvalidFree",)),
    Case("6 allocator", "free of a local", "int fm_loc;\nfree(&fm_loc);", ("InvalidFree",)),
    Case("6 allocator", "use after free: never two live blocks at one address",
         'char *fm_u = malloc(16); strcpy(fm_u, "abc"); free(fm_u);\nchar *fm_v = malloc(16);\n'
         'printf("same %d %s\\n", fm_u == fm_v, fm_u);', "ok", stdout_has="same 0 abc"),
    Case("6 allocator", "tensor_free twice", "Tensor *fm_tf = tensor_ones(3);\ntensor_free(fm_tf);\ntensor_free(fm_tf);",
         ("ValueError",), "tensor_free: argument 'x' was already freed"),
    Case("6 allocator", "use after tensor_free", "Tensor *fm_tu = tensor_ones(3);\ntensor_free(fm_tu);\n"
         "tensor_sum(fm_tu);", ("ValueError",), "tensor_sum: argument 'x' is a tensor freed by tensor_free"),
    Case("6 allocator", "tensor_free: never two live tensors at one address",
         "Tensor *fm_tk = tensor_ones(2);\ntensor_free(fm_tk);\nint fm_al = 0;\n"
         "for (int i = 0; i < 20000; i++) fm_al += tensor_ones(2) == fm_tk;\n"
         'printf("aliased %d\\n", fm_al);', "ok", stdout_has="aliased 0"),
    Case("6 allocator", "NULL Tensor * argument", "Tensor *fm_tn = NULL;\ntensor_matmul(fm_tensor, fm_tn);",
         ("ValueError",), "tensor_matmul: argument 'b' is NULL"),
    Case("6 allocator", "NULL Module * argument", "Module *fm_mn = NULL;\nnn_forward(fm_mn, fm_tensor);",
         ("ValueError",), "nn_forward: argument 'm' is NULL"),
    Case("6 allocator", "NULL Optimizer * argument", "Optimizer *fm_on = NULL;\noptim_step(fm_on);",
         ("ValueError",), "optim_step: argument 'opt' is NULL"),
    Case("6 allocator", "NULL Dataset * argument", "Dataset *fm_dn = NULL;\ndata_len(fm_dn);",
         ("ValueError",), "data_len: argument 'ds' is NULL"),
    Case("6 allocator", "NULL Tensor * from a failed earlier cell",
         "fm_tf2 = tensor_mean(fm_tf2);", ("ValueError",), "tensor_mean: argument 'x' is NULL",
         setup="Tensor *fm_tf2 = NULL;"),
    Case("6 allocator", "a model whose weight went to tensor_free",
         'Module *fm_lin = nn_linear(2, 1);\ntensor_free(nn_get_parameter(fm_lin, "weight"));\n'
         "nn_forward(fm_lin, tensor_ones(1, 2));", ("ValueError",), "parameter 'weight' of Linear was freed"),
    # 7. blocking calls: the stop button ends them within 1 s (20 times each: test_interrupt.py)
    Case("7 blocking", "read on an empty pipe", "{ int p[2]; pipe(p); char c; read(p[0], &c, 1); }",
         ("KeyboardInterrupt",), interrupt_after=0.5),
    Case("7 blocking", "sem_wait", "{ sem_t s; sem_init(&s, 0, 0); sem_wait(&s); }", ("KeyboardInterrupt",),
         interrupt_after=0.5),
    Case("7 blocking", "pause", "pause();", ("KeyboardInterrupt",), interrupt_after=0.5),
    Case("7 blocking", "getchar waiting on stdin", "int fm_ch = getchar();", ("KeyboardInterrupt",),
         interrupt_after=0.5, allow_stdin=True),
    Case("7 blocking", 'system("sleep 30")', 'system("sleep 30");', ("KeyboardInterrupt",), interrupt_after=0.5,
         no_children=True),
    Case("7 blocking", "16 MB memcpy loop", "for (;;) memcpy(fm_ma, fm_mb, 16 << 20);", ("KeyboardInterrupt",),
         interrupt_after=0.5, setup="char *fm_ma = malloc(16 << 20), *fm_mb = malloc(16 << 20);"),
    Case("7 blocking", "busy loop with SIGINT ignored", "for (;;) {}", ("KeyboardInterrupt",),
         interrupt_after=0.5, setup="signal(SIGINT, SIG_IGN);", after="signal(SIGINT, SIG_DFL);"),
    # 8. output floods: capped at 1 MB, and the stop button still answers within 1 s
    Case("8 flood", "for (;;) printf", 'long fm_fl = 0;\nfor (;;) printf("%ld\\n", fm_fl++);',
         ("KeyboardInterrupt",), interrupt_after=1.5, max_stream_bytes=(1 << 20) + 1024),
    # 9. bytes that are not UTF-8
    Case("9 utf-8", "printf of invalid bytes", 'printf("bad \\xff\\xfe bytes\\n");', "ok", stdout_has="\ufffd"),
    Case("9 utf-8", "error message with invalid bytes", 'error_raise(ERR_IO, "cannot open caf\\xe9.npy");',
         ("IOError",), "\ufffd"),
    Case("9 utf-8", "exit message of a failed assert with invalid bytes", 'assert(!"caf\\xe9");', ("Aborted",)),
    # 11. sizes
    Case("11 sizes", "tensor shape whose product overflows int64",
         "tensor_zeros((int64_t)1 << 32, (int64_t)1 << 32);", ("ValueError",), "int64"),
    Case("11 sizes", ".npy header whose shape overflows int64", f'tensor_load("{tmpfile("huge.npy")}");',
         ("ValueError",), "huge.npy",
         files={"huge.npy": npy_bytes("{'descr': '<f4', 'fortran_order': False, "
                                      "'shape': (4294967296, 4294967296, 4), }")}),
    Case("11 sizes", "safetensors shape that overflows int64", f'safetensors_load("{tmpfile("big.safetensors")}");',
         ("ValueError",), "big.safetensors",
         files={"big.safetensors": safetensors_bytes(
             '{"a":{"dtype":"F32","shape":[4294967296,4294967296,4],"data_offsets":[0,16]}}', 16)}),
    Case("11 sizes", "safetensors offsets that overlap", f'safetensors_load("{tmpfile("overlap.safetensors")}");',
         ("IOError",), "overlap.safetensors",
         files={"overlap.safetensors": safetensors_bytes(
             '{"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]},'
             '"b":{"dtype":"F32","shape":[4],"data_offsets":[8,24]}}', 24)}),
    Case("11 sizes", "IDX label out of range", f'datasets_mnist("{tmpfile("idx")}", false);',
         ("IOError",), "t10k-labels-idx1-ubyte",
         files={"idx/t10k-images-idx3-ubyte": IDX_IMAGES, "idx/t10k-labels-idx1-ubyte": IDX_LABELS}),
    # 12. checkpoints
    Case("12 checkpoint", "save cut short (file size limit): old file kept, no litter",
         "getrlimit(RLIMIT_FSIZE, &fm_rl);\nstruct rlimit fm_small = { 4096, fm_rl.rlim_max };\n"
         f'setrlimit(RLIMIT_FSIZE, &fm_small);\ntensor_save(tensor_full(7.0, 1000, 100), "{tmpfile("ck.npy")}");',
         ("Signal",), "SIGXFSZ",
         setup=f'struct rlimit fm_rl;\ntensor_save(tensor_full(1.0, 3), "{tmpfile("ck.npy")}");',
         after=f'setrlimit(RLIMIT_FSIZE, &fm_rl);\n'
               f'printf("kept %g\\n", tensor_item(tensor_sum(tensor_load("{tmpfile("ck.npy")}"))));',
         after_out="kept 3", extra={"no_litter": True}),
    # 13. memory
    Case("13 memory", "malloc of 2^50 bytes", "malloc((size_t)1 << 50);", ("MemoryError",),
         "1125899906842624 bytes"),
    Case("13 memory", "malloc(1 GB), a byte written at each end: not resident",
         "char *fm_big = malloc((size_t)1 << 30);\nfm_big[0] = 1; fm_big[((size_t)1 << 30) - 1] = 2;\n"
         'printf("ends %d\\n", fm_big[0] + fm_big[((size_t)1 << 30) - 1]);', "ok", stdout_has="ends 3",
         rss_max_mb=64, after="fm_big = NULL;"),
    Case("13 memory", "a tensor bigger than memory", "tensor_zeros((int64_t)1 << 26, (int64_t)1 << 22);",
         ("MemoryError",), "bytes"),
    Case("13 memory", "calloc whose size overflows", "calloc((size_t)1 << 40, (size_t)1 << 40);",
         ("MemoryError",), "overflow"),
    # resource limits a cell sets last for the cell (kernel/celllimit.h)
    Case("limits", "setrlimit(RLIMIT_AS) low: malloc fails in the cell, not after",
         'long fm_vsz = 0; FILE *fm_sf = fopen("/proc/self/statm", "r"); fscanf(fm_sf, "%ld", &fm_vsz); fclose(fm_sf);\n'
         "struct rlimit fm_as = { (rlim_t)fm_vsz * 4096 + (64 << 20), RLIM_INFINITY };\nsetrlimit(RLIMIT_AS, &fm_as);\n"
         "malloc((size_t)256 << 20);", ("MemoryError",), "268435456 bytes",
         after='char *fm_after = malloc((size_t)512 << 20); fm_after[0] = 1; printf("big ok\\n"); fm_after = NULL;',
         after_out="big ok"),
    Case("limits", "setrlimit(RLIMIT_NOFILE) to 16", "struct rlimit fm_nf = {16, 16};\nsetrlimit(RLIMIT_NOFILE, &fm_nf);",
         "ok", after='FILE *fm_fs[64]; int fm_no = 0;\nfor (int i = 0; i < 64; i++) if ((fm_fs[i] = fopen("/dev/null", "r"))) fm_no++;\n'
                     'for (int i = 0; i < fm_no; i++) fclose(fm_fs[i]);\nprintf("opened %d\\n", fm_no);',
         after_out="opened 64"),
    Case("limits", "setrlimit(RLIMIT_CPU): refused", "struct rlimit fm_cpu = {1, 2};\nsetrlimit(RLIMIT_CPU, &fm_cpu);\n"
         "for (;;) {}", ("ResourceLimit",), "alarm"),
    # the faults the kernel already survived
    Case("faults", "NULL dereference", "volatile int *fm_n = 0;\n*fm_n = 1;", SEGV, "NULL"),
    Case("faults", "wild pointer", "volatile char *fm_w = (char *)0x10;\nfm_w[0] = 'x';", SEGV),
    Case("faults", "NULL function pointer", "void (*fm_fp)(void) = 0;\nfm_fp();", SEGV, "function pointer"),
    Case("faults", "fault inside printf", 'printf("%s", (char *)1);', SEGV),
    Case("faults", "strlen(NULL)", "strlen((char *)0);", SEGV),
    Case("faults", "qsort comparator faults",
         "int fm_cmp(const void *a, const void *b) { return *(volatile int *)0; }\n"
         "int fm_q[8] = {3, 1, 2}; qsort(fm_q, 8, sizeof(int), fm_cmp);", SEGV),
    Case("faults", "infinite recursion", "int fm_rec(int n) { volatile char p[256]; p[0] = n; return fm_rec(n + 1) + p[0]; }\n"
         "fm_rec(0);", ("StackOverflow",), "fm_rec"),
    Case("faults", "local array bigger than the stack",
         "void fm_huge(void) { volatile char big[64 << 20]; big[0] = 1; }\nfm_huge();", ("StackOverflow",)),
    Case("faults", "integer division by zero", "volatile int fm_z = 0;\nint fm_q0 = 1 / fm_z;",
         ("FloatingPointError",)),
    Case("faults", "INT_MIN / -1", "volatile int fm_mn = INT_MIN, fm_m1 = -1;\nint fm_q1 = fm_mn / fm_m1;",
         ("FloatingPointError",)),
    Case("faults", "abort()", "abort();", ("Aborted",)),
    Case("faults", "failed assert", "int fm_av = 3;\nassert(fm_av == 4);", ("Aborted",), "fm_av == 4"),
    Case("faults", "raise(SIGSEGV)", "raise(SIGSEGV);", SEGV),
    Case("faults", "raise(SIGBUS)", "raise(SIGBUS);", ("BusError",)),
    Case("faults", "raise(SIGILL)", "raise(SIGILL);", ("IllegalInstruction",)),
    Case("faults", "raise(SIGFPE)", "raise(SIGFPE);", ("FloatingPointError",)),
    Case("faults", "raise(SIGTRAP)", "raise(SIGTRAP);", ("Signal",)),
    Case("faults", "exit(3)", "exit(3);", ("SystemExit",), "3"),
    Case("faults", "_exit(2)", "_exit(2);", ("SystemExit",)),
    Case("faults", "exit(0)", 'printf("bye\\n");\nexit(0);', "ok", stdout_has="bye"),
    Case("faults", "pthread_exit in the cell", "pthread_exit(0);", "ok"),
    Case("faults", "kill(getpid(), SIGINT)", "kill(getpid(), SIGINT);", ("KeyboardInterrupt",)),
    Case("faults", "engine ValueError", "tensor_reshape(tensor_zeros(6), 4, 2);", ("ValueError", "ShapeError")),
]


def children_of(pid: int) -> list[str]:
    out = subprocess.run(["ps", "-o", "pid=,stat=,args=", "--ppid", str(pid)], capture_output=True,
                         text=True).stdout
    return [line.strip() for line in out.splitlines() if line.strip()]


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def run_interrupted(km, kc, code: str, after: float, allow_stdin: bool):
    """Starts the cell, presses the stop button `after` seconds later; returns
    the reply, the IOPub messages and the seconds from the interrupt to the reply."""
    msg_id = kc.execute(code, allow_stdin=allow_stdin)
    time.sleep(after)
    t0 = time.monotonic()
    km.interrupt_kernel()
    reply = get_reply(kc, msg_id, timeout=10)
    latency = time.monotonic() - t0
    return reply, collect_iopub(kc, msg_id, timeout=10), latency


def check_case(km, kc, pid: int, case: Case, tmp: Path) -> list[str]:
    """Runs one case; returns the problems found (empty: it survived and behaved)."""
    def at(text: str) -> str:
        return text.replace(TMP_MARK, str(tmp))

    problems = []
    for name, data in case.files.items():
        (tmp / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp / name).write_bytes(data)
    if case.setup:
        reply, msgs = run(kc, at(case.setup))
        if reply["content"].get("status") != "ok":
            return [f"setup failed: {summarize(msgs)}"]
    rss0 = rss_mb(pid)
    if case.interrupt_after:
        reply, msgs, latency = run_interrupted(km, kc, at(case.code), case.interrupt_after, case.allow_stdin)
        case.extra["latency"] = latency
        if latency >= 1.0:
            problems.append(f"the interrupt took {latency:.2f} s")
    else:
        reply, msgs = run(kc, at(case.code), timeout=case.timeout, allow_stdin=case.allow_stdin)
    if case.rss_max_mb and rss_mb(pid) - rss0 > case.rss_max_mb:
        problems.append(f"resident memory grew by {rss_mb(pid) - rss0:.0f} MB")
    if case.max_stream_bytes:
        sent = sum(len(m["content"]["text"].encode()) for m in msgs if m["msg_type"] == "stream")
        case.extra["stream_bytes"] = sent
        if sent > case.max_stream_bytes:
            problems.append(f"{sent} bytes of output sent")
    c = reply["content"]
    got = c.get("status", "no status") if c.get("status") != "error" else c.get("ename")
    case.extra["got"] = got
    if "status" not in c:
        problems.append("execute_reply without status")
    if case.expect == "ok":
        if c.get("status") != "ok":
            problems.append(f"expected ok, got {got}: {c.get('evalue', '')[:200]}")
    else:
        if c.get("status") != "error" or got not in case.expect:
            problems.append(f"expected {'/'.join(case.expect)}, got {got}: {c.get('evalue', '')[:200]}")
        errs = errors(msgs)
        if len(errs) != 1 or errs[0].get("ename") != c.get("ename"):
            problems.append(f"expected one error message: {summarize(msgs)}")
        if case.evalue_has and case.evalue_has not in c.get("evalue", ""):
            problems.append(f"{case.evalue_has!r} not in evalue {c.get('evalue', '')[:200]!r}")
    if case.stdout_has and case.stdout_has not in stdout_of(msgs):
        problems.append(f"{case.stdout_has!r} not in stdout {stdout_of(msgs)[:200]!r}")
    if case.after:
        reply2, msgs2 = run(kc, at(case.after))
        if reply2["content"].get("status") != "ok":
            problems.append(f"after-cell failed: {summarize(msgs2)}")
        if case.after_out and case.after_out not in stdout_of(msgs2) + stderr_of(msgs2):
            problems.append(f"after-cell printed {stdout_of(msgs2) + stderr_of(msgs2)!r}")
    # the same kernel, its state, a fresh cell that prints, allocates and answers
    reply3, msgs3 = run(kc, 'printf("fresh\\n");\nvoid *fm_m = malloc(64);\n'
                            "fm_m ? (long)getpid() * 1000000L + fm_sentinel : -1L")
    res = execute_results(msgs3)
    expected = str(pid * 1000000 + 271828)
    if reply3["content"].get("status") != "ok" or not res or res[0]["data"]["text/plain"] != expected:
        problems.append(f"fresh cell: {summarize(msgs3)} {res[:1]} (expected {expected})")
    if stdout_of(msgs3) != "fresh\n":
        problems.append(f"fresh cell printed {stdout_of(msgs3)!r}")
    if "file" in case.extra:
        path = Path(at(case.extra["file"]))
        if path.exists() and path.stat().st_size > 1 << 20:
            problems.append(f"the cell's own file grew to {path.stat().st_size} bytes")
        text = path.read_text(errors="replace")[:4096] if path.exists() else ""
        if case.extra["file_has"] not in text:
            problems.append(f"the cell's own file got {text!r}")
        if "fresh" in text:
            problems.append("later output landed in the cell's file")
    if case.extra.get("no_litter"):
        litter = [p.name for p in tmp.iterdir() if ".tmp-" in p.name]
        if litter:
            problems.append(f"temporary files left: {litter}")
    if case.no_children:
        time.sleep(0.1)
        kids = children_of(pid)
        if kids:
            problems.append(f"children of the kernel survived the cell: {kids}")
    return problems


@pytest.mark.timeout(600)
def test_fault_matrix(fresh_kernel, capsys, tmp_path):
    km, kc = fresh_kernel.km, fresh_kernel.kc
    pid = km.provisioner.process.pid
    reply, msgs = run(kc, PRELUDE)
    assert reply["content"]["status"] == "ok", summarize(msgs)
    rows, failures = [], []
    for case in CASES:
        try:
            problems = check_case(km, kc, pid, case, tmp_path)
        except AssertionError as e:  # timeouts, a dead kernel
            problems = [f"{type(e).__name__}: {e}"]
        alive = km.is_alive() and km.provisioner.process.pid == pid
        if not alive:
            problems.append("the kernel died")
        survived = alive and not any(p.startswith("fresh cell") for p in problems)
        notes = []
        if "latency" in case.extra:
            notes.append(f"interrupt {1000 * case.extra['latency']:.0f} ms")
        if "stream_bytes" in case.extra:
            notes.append(f"{case.extra['stream_bytes']} bytes sent")
        rows.append((case.item, case.name, case.extra.get("got", "?"), survived, not problems, ", ".join(notes)))
        if problems:
            failures.append(f"{case.item} / {case.name}: " + "; ".join(problems))
        if not alive:
            break
    # after all of them: the tensor sentinel, fault recovery, interrupts
    reply, msgs = run(kc, "tensor_item(fm_tensor)")
    tensor_ok = reply["content"]["status"] == "ok" and execute_results(msgs)[0]["data"]["text/plain"] == "3.5"
    reply, msgs = run(kc, "*(volatile int *)0 = 2;")
    recovery_ok = reply["content"].get("ename") == "SegmentationFault"
    msg_id = kc.execute("for (;;) {}")
    time.sleep(0.3)
    t0 = time.monotonic()
    km.interrupt_kernel()
    r = get_reply(kc, msg_id, timeout=10)
    interrupt_ok = r["content"].get("ename") == "KeyboardInterrupt" and time.monotonic() - t0 < 1.0
    survived = sum(1 for r in rows if r[3])
    clean = sum(1 for r in rows if r[4])
    lines = [f"Fault matrix: {len(rows)} cases in one kernel (pid {pid}); {survived} survived "
             f"(same process, state kept, next cell ran); {clean} ended exactly as expected",
             f"{'item':<12} {'case':<58} {'ended with':<20} survived"]
    for item, name, got, surv, ok, notes in rows:
        lines.append(f"{item:<12} {name[:58]:<58} {str(got):<20} {'yes' if surv else 'NO '}"
                     f"{'' if ok else '  (unexpected)'}{'  ' + notes if notes else ''}")
    lines.append(f"after all cases: tensor sentinel {'kept' if tensor_ok else 'LOST'}, fault recovery "
                 f"{'works' if recovery_ok else 'BROKEN'}, interrupt {'works' if interrupt_ok else 'BROKEN'}")
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text("\n".join(lines) + "\n")
    with capsys.disabled():
        print("\n" + "\n".join(lines))
    assert not failures, "\n".join(failures)
    assert len(rows) == len(CASES)
    assert tensor_ok and recovery_ok and interrupt_ok
