pytest_plugins = ["layan.testing.fixtures"]
