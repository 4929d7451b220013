package audit

// Catalog returns the checks in the order reports show them. It is written
// out by hand: no registration, no maps, so the order is the source's order.
func Catalog() []Check {
	return []Check{
		// core
		debugMode,
		secretKey,
		webServer,
		gunicornWorkers,
		postgresSSL,
		pythonRuntime,
		// configuration
		sessionCookies,
		csrfProtection,
		sqlEcho,
		logLevel,
		corsOrigins,
		secretStrength,
		sharedSecret,
		rateLimitStorage,
		uploadsStorage,
		// processes and gunicorn
		gunicornTimeout,
		accessLogs,
		dynoTier,
		webRedundancy,
		crashedDynos,
		// platform and add-ons
		stack,
		databaseURLScheme,
		postgresPlan,
		tlsCustomDomains,
		logDrain,
		edgeProtection,
		// source
		dependencyPins,
		envFileInSlug,
		hardcodedSecret,
		debugInSource,
		templateInjection,
		securityExtensions,
	}
}

// Lookup finds a check by ID.
func Lookup(id string) (Check, bool) {
	for _, c := range Catalog() {
		if c.ID == id {
			return c, true
		}
	}
	return Check{}, false
}
