// Package baseline keeps the findings a team has accepted for now, so that
// lint reports only new ones: lint --write-baseline FILE writes the
// current findings, lint --baseline FILE hides those it lists and counts
// the entries no finding matches any more (fixed since). A finding is
// known by its fingerprint (lint's Options.Fingerprints), which moving
// lines does not change. The file is JSON, one finding per line, sorted
// by file, line and check, so that its diff in review shows what was
// accepted or fixed.
package baseline
