"""Swagger UI's own labels on the API page (``/api``) in the page's language.

Swagger UI has no translations: its buttons, headings and column names are English. The page
hands :func:`swagger_ui_labels` to ``static/api-ui.js``, which shows the translation in place of
each of these fixed texts as Swagger UI draws it (a whole text node, or a ``title`` or
``aria-label``), never in the API description or an answer. Words that are the same in Dutch
("Parameters", "Code", "Schema", "Servers", "Details", "Type", "Headers:", "Links") are not
listed.
"""

from __future__ import annotations

from typing import Final

from flask_babel import gettext

from server.messages import N_

#: Swagger UI's text (exactly, without surrounding spaces) → its Dutch message.
LABELS: Final = {
    # An operation and its parameters.
    "Try it out": N_("Uitproberen"),
    "Cancel": N_("Annuleren"),
    "Reset": N_("Herstellen"),
    "Execute": N_("Versturen"),
    "Clear": N_("Wissen"),
    "Name": N_("Naam"),
    "Description": N_("Beschrijving"),
    "No parameters": N_("Geen parameters"),
    "Available values": N_("Mogelijke waarden"),
    "Default value": N_("Standaardwaarde"),
    "Send empty value": N_("Lege waarde versturen"),
    "Example": N_("Voorbeeld"),
    "Examples:": N_("Voorbeelden:"),
    "Example Description": N_("Beschrijving van het voorbeeld"),
    "Request body": N_("Inhoud van het verzoek"),
    "required": N_("verplicht"),
    # Its documented answers ("Controls <code>Accept</code> header." is three texts) and
    # their JSON Schemas.
    "Responses": N_("Antwoorden"),
    "No links": N_("Geen links"),
    "Media type": N_("Mediatype"),
    "Controls": N_("Stelt de"),
    "header.": N_("header in."),
    "Example Value": N_("Voorbeeldwaarde"),
    "Expand all": N_("Alles uitklappen"),
    "Collapse all": N_("Alles inklappen"),
    "Schemas": N_("Schema's"),
    "Additional properties": N_("Extra eigenschappen"),
    "allowed": N_("toegestaan"),
    "forbidden": N_("niet toegestaan"),
    "Const": N_("Vaste waarde"),
    "Enum": N_("Toegestane waarden"),
    "Default": N_("Standaard"),
    "Items": N_("Elementen"),
    # The answer to a request sent from the page.
    "Request URL": N_("URL van het verzoek"),
    "Server response": N_("Antwoord van de server"),
    "Response body": N_("Inhoud van het antwoord"),
    "Response headers": N_("Headers van het antwoord"),
    "Download": N_("Downloaden"),
    "Undocumented": N_("Niet beschreven"),
    "loading": N_("laden"),
    # Authorisation (the write path).
    "Authorize": N_("Autoriseren"),
    "Available authorizations": N_("Beschikbare autorisaties"),
    "Value:": N_("Waarde:"),
    "Close": N_("Sluiten"),
    "Logout": N_("Afmelden"),
    "Authorized": N_("Geautoriseerd"),
    # Names of controls for screen readers, and tooltips.
    "Expand operation": N_("Operatie uitklappen"),
    "Collapse operation": N_("Operatie inklappen"),
    "Copy path to clipboard": N_("Pad naar het klembord kopiëren"),
    "Copy cURL command to clipboard": N_("Curl-opdracht naar het klembord kopiëren"),
    "Copy code to clipboard": N_("Code naar het klembord kopiëren"),
    "Media Type": N_("Mediatype"),
    "Request content type": N_("Mediatype van het verzoek"),
    "authorization button locked": N_("Autorisatieknop, vergrendeld"),
    "authorization button unlocked": N_("Autorisatieknop, niet vergrendeld"),
    "Apply credentials": N_("Gegevens toepassen"),
    "Remove authorization": N_("Autorisatie verwijderen"),
}


def swagger_ui_labels() -> dict[str, str]:
    """Swagger UI's text → the label in the request's language, for each label that is not
    already Swagger UI's own (on the English page: none; "Media type" is "Media Type")."""
    found = ((english, gettext(dutch)) for english, dutch in LABELS.items())
    return {english: label for english, label in found if label.casefold() != english.casefold()}
