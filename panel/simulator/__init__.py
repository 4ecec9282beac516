"""A faithful simulator of the Bytemark Cloud ("BigV") brain API and its auth service.

Standard library only. See README.md beside this file; start it with
``python -m panel.simulator --port 8765`` or in-process with
``panel.simulator.server.SimulatorServer``.
"""
