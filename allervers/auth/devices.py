"""A device's name read from its User-Agent (« Firefox sur Windows ») for « Mes sessions ».

Ours rather than a library's: the page only needs a browser family and a system, which a
dozen patterns give; ua-parser would bring its large regular-expression database for
details (versions, phone models) we do not show. An unknown string reads « Navigateur
inconnu »: the label helps people recognise their devices, it proves nothing.
"""

import re

USER_AGENT_LENGTH = 300

# Order matters: Edge and Opera also say « Chrome », Chrome also says « Safari »,
# every browser on iOS is Safari underneath but names itself (CriOS, FxiOS, EdgiOS).
BROWSERS = (
    (r"Edg(e|A|iOS)?/", "Edge"),
    (r"OPR/|Opera", "Opera"),
    (r"SamsungBrowser/", "Samsung Internet"),
    (r"Firefox/|FxiOS/", "Firefox"),
    (r"Chromium/", "Chromium"),
    (r"Chrome/|CriOS/", "Chrome"),
    (r"Safari/", "Safari"),
    (r"MSIE |Trident/", "Internet Explorer"),
)
SYSTEMS = (
    (r"iPhone|iPad|iPod", "iOS"),
    (r"Android", "Android"),
    (r"CrOS", "ChromeOS"),
    (r"Windows", "Windows"),
    (r"Mac OS X|Macintosh", "macOS"),
    (r"Ubuntu", "Ubuntu"),
    (r"Linux|X11", "Linux"),
)


def describe_device(user_agent: str | None) -> str:
    browser = _first_match(BROWSERS, user_agent or "")
    system = _first_match(SYSTEMS, user_agent or "")
    if browser and system:
        return f"{browser} sur {system}"
    if browser or system:
        return browser or f"Navigateur inconnu sur {system}"
    return "Navigateur inconnu"


def _first_match(patterns: tuple[tuple[str, str], ...], user_agent: str) -> str | None:
    return next((name for pattern, name in patterns if re.search(pattern, user_agent)), None)
