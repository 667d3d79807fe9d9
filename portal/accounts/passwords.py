"""Password hashing with argon2 and the one password rule: at least 12 characters."""

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError

from portal.core.config import current_mode

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1024

# The test suite signs in hundreds of times: there argon2 runs with its cheapest parameters.
_hasher = (
    PasswordHasher.from_parameters(profiles.CHEAPEST)
    if current_mode() == "testing"
    else PasswordHasher()
)
# Verified when the email is unknown, so a miss takes as long as a wrong password.
_DUMMY_HASH = _hasher.hash("not-a-real-password-for-timing")


def password_problem(password: str) -> str | None:
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"Use at least {MIN_PASSWORD_LENGTH} characters."
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"Use at most {MAX_PASSWORD_LENGTH} characters."
    return None


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)
