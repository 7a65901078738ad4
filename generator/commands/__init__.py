"""One module per `playbook` verb: reads the arguments, calls the features, reports. The CLI
(:mod:`generator.cli`) loads a verb's module only when that verb runs."""
