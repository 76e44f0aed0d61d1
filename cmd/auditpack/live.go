package main

import (
	"os"
	"os/signal"
	"syscall"

	"github.com/urfave/cli/v2"

	"github.com/auditpack/auditpack/live"
	"github.com/auditpack/auditpack/packs/model"
	"github.com/auditpack/auditpack/profiles/verify"
)

// liveFlag asks verify --kernel to prove the controls with events. A new
// flag each time: urfave/cli writes into a flag as it parses, and the
// command tree is built once per run.
func liveFlag() cli.Flag {
	return &cli.BoolFlag{Name: "live", Usage: "with --kernel: prove each control with a harmless real call and the kernel's own record of it (root; auditpack explain --live lists the calls)"}
}

// proveLive adds verify --live's evidence to a kernel target's report.
// The run stops, its children killed and its scratch directory removed,
// on SIGINT or SIGTERM.
func proveLive(c *cli.Context, e *env, rep *verify.Report, controls []*verify.Control, target *verify.Target, keys bool) error {
	k, err := e.openKernel()
	if err != nil {
		return failedError(err)
	}
	defer k.Close()
	self, err := live.HostSelf()
	if err != nil {
		return failedError(err)
	}
	ctx, stop := signal.NotifyContext(c.Context, os.Interrupt, syscall.SIGTERM)
	defer stop()
	status := func() (live.Status, error) {
		s, err := k.Status()
		return live.Status{Enabled: s.Enabled, RateLimit: s.RateLimit, BacklogLimit: s.BacklogLimit, Backlog: s.Backlog, Lost: s.Lost,
			LoginuidImmutable: s.LoginuidImmutable}, err
	}
	err = live.Prove(ctx, rep, controls, target, live.Options{Kernel: live.NetlinkKernel{ReadStatus: status}, Runner: &live.ExecRunner{},
		Machine: model.Native(), Self: self, Keys: keys})
	if err != nil {
		return failedError(err)
	}
	return nil
}

// liveChildCommand is the hidden command verify --live runs its
// children as.
func liveChildCommand(e *env) *cli.Command {
	return &cli.Command{Name: live.ChildCommand, Hidden: true, Action: func(c *cli.Context) error {
		return live.Child(e.stdin, c.App.Writer)
	}}
}

// explainLive is explain --live: every kind of call verify --live makes.
func explainLive(c *cli.Context) error { return live.Explain(c.App.Writer) }
