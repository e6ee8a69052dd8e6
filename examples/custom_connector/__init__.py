"""An example connector over CSV exports, proven by the conformance kit."""
