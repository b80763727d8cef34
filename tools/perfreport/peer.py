"""The Python peer of rcfge's validation: Debian's python3-jsonschema, Draft 7, every error
collected (iter_errors), on the corpus perfreport writes. Prints one JSON object."""
import json
import sys
import time
from importlib.metadata import version

from jsonschema import Draft7Validator


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        corpus = json.load(f)
    min_seconds = float(sys.argv[2])
    cases, skipped, approved = [], {}, {}
    for c in corpus["schemas"]:
        try:
            v = Draft7Validator(c["schema"])
            verdicts = [next(iter(v.iter_errors(i)), None) is None for i in c["instances"]]
        except Exception as e:  # a pattern Python's re cannot compile, for instance
            skipped[c["name"]] = "%s: %s" % (type(e).__name__, e)
            continue
        cases.append((v, c["instances"]))
        approved[c["name"]] = verdicts
    n, rounds, start = 0, 0, time.perf_counter()
    while True:
        for v, instances in cases:
            for i in instances:
                for _ in v.iter_errors(i):
                    pass
                n += 1
        rounds += 1
        elapsed = time.perf_counter() - start
        if elapsed >= min_seconds or not cases:
            break
    json.dump({
        "jsonschema": version("jsonschema"),
        "python": sys.version.split()[0],
        "validations": n,
        "rounds": rounds,
        "seconds": elapsed,
        "approved": approved,
        "skipped": skipped,
    }, sys.stdout)


if __name__ == "__main__":
    main()
