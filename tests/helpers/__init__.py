"""What the tests share: project copies (project.py), the hostile-command harness (hostile.py), one invalid
fixture per problem code (invalid_fixtures.py), the consumer-side load check (load_check.py, run as a
script), the validator fuzzing harness (fuzzing.py) and the bad-input catalogue plugin (catalogue.py).
Test files import from here, never from each other (tests/ is on pytest's pythonpath).
"""
