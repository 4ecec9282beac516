"""The SSH keys section's forms: checked before anything reaches BigV."""

from __future__ import annotations

from django import forms

from panel.core.ssh_keys import openssh_key_error

LABEL_MAX = 100


class SshKeyForm(forms.Form):
    key = forms.CharField(
        label="Public key",
        max_length=16384,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "false", "class": "mono"}),
        help_text="One OpenSSH public key: the line of your .pub file, “type key comment”.",
    )

    def clean_key(self) -> str:
        value: str = self.cleaned_data["key"]
        if "PRIVATE KEY" in value:
            raise forms.ValidationError(
                "That is a private key. Paste the public key (the .pub file)."
            )
        lines = [line.strip() for line in value.splitlines() if line.strip()]
        if len(lines) != 1:
            raise forms.ValidationError("Paste one key at a time.")
        problem = openssh_key_error(lines[0])
        if problem:
            raise forms.ValidationError(f"The key {problem}.")
        return lines[0]


class SshKeyDeleteForm(forms.Form):
    key = forms.RegexField(regex=r"^[0-9a-f]{32}$", widget=forms.HiddenInput)


class ConfirmForm(forms.Form):
    """A form of buttons only (the console key's create and remove)."""
