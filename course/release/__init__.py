"""The learner bundle (``course release``): stubs, public checks with recorded reference answers, the CLI."""
