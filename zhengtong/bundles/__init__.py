"""Bundles (高效办成一件事): life-event bundles, questionnaire, one combined application creating sub-cases."""
