package audit

// Catalog returns the checks in the order reports show them. It is written
// out by hand: no registration, no maps, so the order is the source's order.
func Catalog() []Check {
	return []Check{
		// core
		python(debugMode),
		python(secretKey),
		python(webServer),
		python(gunicornWorkers),
		postgresSSL,
		python(pythonRuntime),
		// configuration
		python(sessionCookies),
		python(csrfProtection),
		python(sqlEcho),
		python(logLevel),
		python(corsOrigins),
		secretStrength,
		sharedSecret,
		python(rateLimitStorage),
		python(uploadsStorage),
		// processes and gunicorn
		python(gunicornTimeout),
		python(accessLogs),
		dynoTier,
		webRedundancy,
		crashedDynos,
		// platform and add-ons
		stack,
		python(databaseURLScheme),
		postgresPlan,
		tlsCustomDomains,
		logDrain,
		edgeProtection,
		// source
		python(dependencyPins),
		python(dependencyVulns),
		envFileInSlug,
		python(hardcodedSecret),
		python(debugInSource),
		python(templateInjection),
		python(securityExtensions),
		// live probe
		httpsRedirect,
		hsts,
		csp,
		frameOptions,
		contentTypeOptions,
		referrerPolicy,
		cookieFlags,
		corsReflection,
		debuggerExposed,
		serverBanner,
	}
}

// python marks a check as a Python or Flask rule.
func python(c Check) Check {
	c.Python = true
	return c
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
