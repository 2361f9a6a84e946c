// Package e2e holds roster's end-to-end tests: real HTTP against a wired
// server, decoded JSON, every response checked against the OpenAPI document.
package e2e
