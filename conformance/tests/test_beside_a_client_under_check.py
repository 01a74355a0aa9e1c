"""The suite against the reference server while another of its clients is under the
`full` client-check scenario (every trap sprung on that client): the suite's clients
are served as before, so every check passes or is skipped with a reason, as without it."""

from .conftest import problems, run_suite


def test_the_suite_passes_while_another_client_is_under_the_full_check(reference_target, workdir):
    assert workdir.cli("clients", "check", "demo-confidential", "--scenario", "full")["scenario"] == "full"
    try:
        code, results, output = run_suite(reference_target)
    finally:
        workdir.cli("clients", "check", "demo-confidential", "--stop")
    assert results and not problems(results), "\n".join(problems(results)) + "\n" + output
    assert code == 0
