package report

import "strings"

// GitHub's escaping of workflow command data and properties.
var (
	ghDataEscaper     = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A")
	ghPropertyEscaper = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C")
)

func ghData(s string) string { return ghDataEscaper.Replace(s) }

func ghProperty(s string) string { return ghPropertyEscaper.Replace(s) }
