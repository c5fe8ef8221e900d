"""The build-tool benchmark (issue 27): just + edu affected against Turborepo, Nx and moon."""
