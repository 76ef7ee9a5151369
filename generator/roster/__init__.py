"""Reading the roster: YAML files into the model, the parse cache, and every problem in them."""
