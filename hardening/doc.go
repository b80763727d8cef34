// Package hardening holds rcfge's opt-in hardening set: overlays that go beyond the default
// templates in schemas/ (which approve every property of AWS's schema and bind only the
// account-specific values, such as notification destinations). A hardening overlay is the default
// overlay followed by its own operations, so that `rcfge schemas generate --overlays
// hardening/overlays --out hardening/` gives the hardened template; the generated templates, their
// unit tests (tests/) and this package's Go tests sit beside it. See docs/templates.md.
package hardening
