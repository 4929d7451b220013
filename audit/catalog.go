package audit

// Catalog returns the checks in the order reports show them. It is written
// out by hand: no registration, no maps, so the order is the source's order.
func Catalog() []Check {
	return []Check{}
}
