package main

// Our own short titles for the recommendations, keyed by the CaC rules a
// recommendation names: CIS's titles are CC BY-NC-SA and are not copied.
// A recommendation naming one rule takes singleTitles[rule]; one naming
// several takes groupTitles[its first rule]. A recommendation no key
// matches stops the generator, so a new CaC control is given a title
// before it ships.
var singleTitles = map[string]string{
	"audit_rules_sysadmin_actions":                          "Record changes to sudoers and sudoers.d",
	"audit_rules_suid_auid_privilege_function":              "Record programs run as another user",
	"audit_sudo_log_events":                                 "Record changes to the sudo log",
	"audit_rules_networkconfig_modification":                "Record changes to host name and network configuration",
	"audit_rules_networkconfig_modification_networkmanager": "Record changes to /etc/NetworkManager",
	"audit_rules_privileged_commands":                       "Record runs of setuid and setgid programs",
	"audit_rules_media_export":                              "Record file system mounts",
	"audit_rules_session_events":                            "Record session records (utmp, btmp, wtmp)",
	"audit_rules_execution_chcon":                           "Record runs of chcon",
	"audit_rules_execution_setfacl":                         "Record runs of setfacl",
	"audit_rules_execution_chacl":                           "Record runs of chacl",
	"audit_rules_privileged_commands_usermod":               "Record runs of usermod",
	"audit_rules_privileged_commands_kmod":                  "Record runs of kmod",
	"audit_rules_kernel_module_loading_delete":              "Record kernel module unloading (delete_module)",
	"audit_rules_kernel_module_loading_query":               "Record kernel module queries (query_module)",
	"audit_rules_usergroup_modification_group":              "Record changes to /etc/group",
	"audit_rules_usergroup_modification_passwd":             "Record changes to /etc/passwd",
	"audit_rules_usergroup_modification_opasswd":            "Record changes to /etc/security/opasswd",
	"audit_rules_usergroup_modification_nsswitch_conf":      "Record changes to /etc/nsswitch.conf",
	"audit_rules_immutable":                                 "Lock the audit configuration (-e 2, last)",
	"audit_rules_continue_loading":                          "Load every rule despite errors (-c)",
}

var groupTitles = map[string]string{
	"audit_rules_time_adjtimex":                                    "Record changes to the date and time",
	"audit_rules_networkconfig_modification":                       "Record changes to host name and network configuration",
	"audit_rules_networkconfig_modification_setdomainname":         "Record host and domain name changes",
	"audit_rules_networkconfig_modification_etc_issue":             "Record changes to /etc/issue and /etc/issue.net",
	"audit_rules_networkconfig_modification_etc_hosts":             "Record changes to /etc/hosts and /etc/hostname",
	"audit_rules_networkconfig_modification_etc_sysconfig_network": "Record changes to network configuration files",
	"audit_rules_unsuccessful_file_modification_creat":             "Record denied file accesses",
	"audit_rules_usergroup_modification_group":                     "Record changes to user, group and PAM files",
	"audit_rules_usergroup_modification_gshadow":                   "Record changes to /etc/shadow and /etc/gshadow",
	"audit_rules_usergroup_modification_pam_conf":                  "Record changes to /etc/pam.conf and /etc/pam.d",
	"audit_rules_dac_modification_chmod":                           "Record permission and ownership changes",
	"audit_rules_dac_modification_chown":                           "Record ownership changes",
	"audit_rules_dac_modification_fremovexattr":                    "Record extended attribute changes",
	"audit_rules_session_events_utmp":                              "Record session records (utmp, btmp, wtmp)",
	"audit_rules_login_events_faillock":                            "Record logins and failed-login lockouts",
	"audit_rules_file_deletion_events_rename":                      "Record file deletions and renames by users",
	"audit_rules_file_deletion_events_unlink":                      "Record file deletions by users (unlink)",
	"audit_rules_mac_modification":                                 "Record changes to SELinux policy",
	"audit_rules_mac_modification_etc_selinux":                     "Record changes to SELinux policy",
	"audit_rules_mac_modification_etc_apparmor":                    "Record changes to AppArmor policy",
	"audit_rules_kernel_module_loading_create":                     "Record kernel module loading and unloading",
	"audit_rules_kernel_module_loading_delete":                     "Record kernel module loading and unloading",
	"audit_rules_kernel_module_loading_init":                       "Record kernel module loading (init_module, finit_module)",
}

// bootTitle is the manual recommendation that the running and on-disk
// configurations are the same: verify --kernel judges it as --boot does.
const bootTitle = "Running rules are the rules on disk"

func title(rules []string) (string, bool) {
	switch len(rules) {
	case 0:
		return bootTitle, true
	case 1:
		t, ok := singleTitles[rules[0]]
		return t, ok
	}
	t, ok := groupTitles[rules[0]]
	return t, ok
}
