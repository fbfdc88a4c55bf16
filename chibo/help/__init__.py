"""Hướng dẫn sử dụng: the help pages, one per role, and every finding of the rule engine explained.

The pages are templates (chibo/templates/help/); the screenshots they show are listed in
`screens.SCREENS` and taken from the demo by the browser test suite
(tests/e2e/test_help_screens.py), which writes them to chibo/static/chibo/help/ on every run: a
page that changes changes its picture. What a finding means and what to do about it come from
the vocabulary (FINDING_MEANING, FINDING_ADVICE) and the rule profile's defaults, the same texts
the start pages show."""
