/** The allowlist file of SPEC section 6, as a team would keep it: three entries, one with an expiry. */
export const SPEC_ALLOWLIST = `
- kind: src_ip
  pattern: 10.20.0.0/24
  match: cidr
  reason: Citrix delivery controllers
- kind: pair
  src_ip: 10.20.0.9
  user: svc-sccm
  reason: SCCM software distribution
  expires: 2027-01-31
- kind: user
  pattern: svc-backup*
  match: glob
  reason: nightly backup
`;
