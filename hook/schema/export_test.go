package schema

// ForgetPatterns empties the process-wide pattern caches, so a benchmark iteration compiles its
// template's patterns as a fresh process's first type does.
func ForgetPatterns() {
	patterns.Clear()
	parsed.Clear()
	cached.Store(0)
}
