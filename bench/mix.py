"""Who the BENCH_USERS users are: the role mix of a region at its busy hour. Pure Python.

A municipality at work has its coordinator and its chair, and the schools being worked on have
their directors and a curator for every few of them: a municipality's team at the busy hour is one
coordinator, one chair, one curator and the directors of that curator's three schools — six people.
BENCH_USERS people are as many such teams as fit (the last one partial, its places given by the
largest remainders), plus the region's viewer (BENCH_REGION, on by default: the issue counts the
viewer as one of the 20 users). The seeded region (seed_scale: 40 municipalities of 30 schools,
five curators each) has accounts for up to 40 teams; beyond that accounts are shared.
"""

TEAM = {"coordinators": 1, "chairs": 1, "curators": 1, "directors": 3}
ROLES = ("coordinators", "chairs", "curators", "directors", "region")


def role_mix(users: int, *, region: bool = True) -> dict[str, int]:
    """{role: users of that role}; the counts add up to `users`."""
    if users < 0:
        raise ValueError("число пользователей не может быть отрицательным")
    viewer = 1 if region and users >= 1 else 0
    rest = users - viewer
    size = sum(TEAM.values())
    shares = {role: rest * count / size for role, count in TEAM.items()}
    mix = {role: int(share) for role, share in shares.items()}
    # Largest remainder; a tie goes to the role listed first (the coordinator reads the most pages).
    by_remainder = sorted(TEAM, key=lambda role: (-(shares[role] - mix[role]), list(TEAM).index(role)))
    for role in by_remainder[: rest - sum(mix.values())]:
        mix[role] += 1
    mix["region"] = viewer
    return mix


def municipalities_needed(mix: dict[str, int]) -> int:
    """How many municipalities' accounts the mix draws on: a team per municipality."""
    return max((mix[role] + TEAM[role] - 1) // TEAM[role] for role in TEAM)
