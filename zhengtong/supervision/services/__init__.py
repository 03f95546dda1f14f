"""
Services of supervision, one module per concern (import from the module):

- ``alerts``: warnings to people, sent once per transition;
- ``sync`` and ``sweep``: the clock registry and the lamp pass;
- ``orders``: supervision orders (督办单);
- ``breaches``: failures of duty (效能告诫/责任追究) and the rules that propose them;
- ``anomalies``: the anomaly rules (电子监察规则);
- ``bulletin``: the monthly bulletin (督查通报).
"""
