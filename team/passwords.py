"""What a password must be: long enough, and not one that guessers try first."""

from ingest.refused import Refused

MIN_LENGTH = 10
# The most used passwords of the public leak lists (and their obvious variants): the first
# guesses of anyone trying names against the sign-in page.
COMMON = frozenset(
    """
    password password1 password12 password123 password1234 passw0rd p@ssw0rd p@ssword
    12345678 123456789 1234567890 0123456789 12345678910 987654321 9876543210 1q2w3e4r5t
    1qaz2wsx3edc qwertyuiop qwerty123 qwerty1234 qwertyuiop123 asdfghjkl zxcvbnm123 1q2w3e4r
    11111111 1111111111 00000000 0000000000 88888888 8888888888 66666666 6666666666
    iloveyou iloveyou1 iloveyou123 princess1 sunshine1 football1 baseball1 superman1
    letmein123 welcome123 welcome1 admin12345 administrator changeme123 changeme
    trustno1 starwars1 dragon1234 monkey1234 master1234 abc1234567 abcdefghij a1b2c3d4e5
    woaini1314 woaini520 5201314520 1314520520 aini1314 qq123456789 123qweasd 123qweasdzxc
    zaq12wsx zaq1zaq1 1qazxsw2 qazwsxedc qazwsxedcrfv
    """.split()
)


def weakness(password: str, name: str = "") -> str | None:
    """Why `password` is too weak (None when it will do)."""
    problem = refusal(password, name)
    return str(problem) if problem else None


def too_short(password: str) -> Refused | None:
    """The one rule every stored password keeps, also one set before the strength checks."""
    if len(password) >= MIN_LENGTH:
        return None
    return Refused(
        "password_short",
        f"a password needs at least {MIN_LENGTH} characters, got {len(password)}",
        min=MIN_LENGTH,
        got=len(password),
    )


def refusal(password: str, name: str = "") -> Refused | None:
    if short := too_short(password):
        return short
    folded = password.lower()
    if folded in COMMON or folded.rstrip("!.?0123456789") in COMMON:
        return Refused(
            "password_common", "this password is on the list of the most common passwords: choose another"
        )
    if len(set(folded)) < 4:
        return Refused("password_few_characters", "a password needs at least 4 different characters")
    if len(name) >= 3 and name.lower() in folded:
        return Refused("password_has_name", "a password must not contain the user name")
    return None


def check_strength(password: str, name: str = "") -> None:
    problem = refusal(password, name)
    if problem:
        raise problem
