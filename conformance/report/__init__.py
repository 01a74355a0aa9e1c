"""Reports of a run: the terminal summary, and the HTML page. (JSON is
`results.Results.write_json`; JUnit XML is pytest's own `--junitxml`.)"""
