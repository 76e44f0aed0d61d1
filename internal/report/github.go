package report

import (
	"fmt"
	"io"
	"strings"
)

// GitHub's escaping of workflow command data and properties.
var (
	ghDataEscaper     = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A")
	ghPropertyEscaper = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C")
)

// writeGitHubError annotates the workflow run with why auditpack could
// not check anything, if it could not.
func writeGitHubError(w io.Writer, err string) {
	if err != "" {
		fmt.Fprintf(w, "::error title=auditpack::%s\n", ghData(err))
	}
}

func ghData(s string) string { return ghDataEscaper.Replace(s) }

func ghProperty(s string) string { return ghPropertyEscaper.Replace(s) }
