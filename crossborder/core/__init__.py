"""The core layer: what every other layer builds on, and which imports none of them."""
