"""Chain addresses of the right shape: deposit addresses derived from (seed, uid, coin, chain), and
counterparty addresses for simulated deposits.

Each shape is the chain's real encoding, so the catalogue's address patterns and real validators both
accept them: ERC20 `0x` + 40 hex; TRC20 base58check of 0x41 + 20 bytes (34 characters, `T...`);
BTC base58check of 0x00 + 20 bytes (P2PKH, `1...`); SOL base58 of 32 bytes.
"""

from __future__ import annotations

import hashlib

_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def base58(raw: bytes) -> str:
    number = int.from_bytes(raw, "big")
    out = []
    while number:
        number, rem = divmod(number, 58)
        out.append(_B58[rem])
    zeros = len(raw) - len(raw.lstrip(b"\0"))
    return "1" * zeros + "".join(reversed(out))


def base58check(payload: bytes) -> str:
    checksum = hashlib.sha256(hashlib.sha256(payload).digest()).digest()[:4]
    return base58(payload + checksum)


def address_from(chain: str, digest: bytes) -> str:
    """An address of `chain`'s shape built from 32 bytes of key material."""
    name = chain.upper()
    if name == "TRC20":
        return base58check(b"\x41" + digest[:20])
    if name == "BTC":
        return base58check(b"\x00" + digest[:20])
    if name == "SOL":
        return base58(b"\x01" + digest[1:32])  # a leading non-zero byte keeps it 43-44 characters
    return "0x" + digest[:20].hex()  # ERC20 and any EVM chain


def deposit_address(seed: int, uid: str, coin: str, chain: str) -> str:
    """The account's deposit address for one coin on one chain: stable across restarts of one seed."""
    digest = hashlib.sha256(f"deposit|{seed}|{uid}|{coin}|{chain.upper()}".encode()).digest()
    return address_from(chain, digest)
