"""Feedback (群众评价与投诉): first-question register (首问负责), ratings (好差评) with rectification, complaints (投诉)."""
