# nbgrader settings for the C (coursDL) notebooks: solutions are delimited by
# "### BEGIN SOLUTION" / "### END SOLUTION" comment lines and replaced by a
# C comment in the student version (what `make notebooks` also produces).
c = get_config()  # noqa: F821 (provided by nbgrader)
c.ClearSolutions.code_stub = {"c": "// À FAIRE : écrivez votre code ici"}
c.ClearSolutions.begin_solution_delimeter = "BEGIN SOLUTION"
c.ClearSolutions.end_solution_delimeter = "END SOLUTION"
