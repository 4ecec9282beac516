"""Parts of ``panel/settings.py``, one per part of the panel that has knobs of its own.

``panel.settings`` (Django's settings module) imports each: the names are Django's settings
as if written there. Each part reads the environment the same way (``panel.core.settings_env``,
``panel.core.secrets``), and ``.env.example`` documents every variable any of them reads.
"""
