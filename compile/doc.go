// Package compile merges a selection of rule files in augenrules order and
// renders audit.rules: the header that names its sources, the hoisted
// control lines, the rules, and -e last.
package compile
