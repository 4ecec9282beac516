"""BigV Panel: a team admin panel for Bytemark Cloud (BigV) virtual machines."""
