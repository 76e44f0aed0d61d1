// Package profiles holds the embedded compliance profiles (profiles/NAME.toml)
// and resolves a profile, the user's pack roots and plain rule paths into one
// packs.Selection, the sources every command works on.
package profiles
