/**
 * Result codes seen in KMS events (kms-events.md §1.4 and §4). Meanings follow Microsoft's wording
 * ("Troubleshoot Windows activation error codes", 2025; PoShEvents for the 0x4004F0xx variants);
 * causes and remedies summarise the same articles. Keys are unsigned 32-bit values.
 */
export interface ResultCodeEntry {
  meaning: string;
  cause: string;
  remedy: string;
}

const SLS = 'The Software Licensing Service';
const DNS_SRV_REMEDY =
  'Enable DNS publishing on the KMS host (check event 12293/12294) or point the client at a host with slmgr /skms <host>:1688.';

export const RESULT_CODES: ReadonlyMap<number, ResultCodeEntry> = new Map<number, ResultCodeEntry>([
  [0x0, {
    meaning: 'The request was processed successfully.',
    cause: 'The host answered the request. This does not mean the client activated: the client decides from the count the host returns (its event 12289).',
    remedy: 'None. If clients still do not activate, compare the host count with the minimum count the clients need.',
  }],
  [0xc004f06c, {
    meaning: `${SLS} reported that the computer could not be activated. The Key Management Service (KMS) determined that the request timestamp is invalid.`,
    cause: 'Client and host clocks differ by more than 4 hours (compared in UTC).',
    remedy: 'Correct the date, time and time zone of the client or the host (w32tm /resync), then run slmgr /ato on the client.',
  }],
  [0xc004f042, {
    meaning: `${SLS} determined that the specified Key Management Service (KMS) cannot be used.`,
    cause: 'The host key (CSVLK) of this KMS host cannot activate the requested product: the key is older than the client version, or hosts are dedicated to other applications or OS versions.',
    remedy: 'Install a CSVLK that covers the product (and the servicing update the host needs), or direct the client to a host that serves it.',
  }],
  [0xc004f038, {
    meaning: `${SLS} reported that the computer could not be activated. The count reported by your Key Management Service (KMS) is insufficient.`,
    cause: 'The host count is below the client minimum: fewer than 25 for Windows client editions, fewer than 5 for Windows Server and Office.',
    remedy: 'Wait until enough distinct clients have contacted the host within 30 days; look for duplicate CMIDs (cloned images) and for several hosts splitting the clients.',
  }],
  [0xc004f039, {
    meaning: `${SLS} reported that the computer could not be activated. The Key Management Service (KMS) is not enabled.`,
    cause: 'The KMS did not respond: TCP port 1688 is blocked or filtered between client and host.',
    remedy: 'Open TCP 1688 on the host and any firewall between; check that the Software Protection service runs on the host.',
  }],
  [0xc004f041, {
    meaning: `${SLS} determined that the Key Management Server (KMS) is not activated. KMS needs to be activated.`,
    cause: 'The KMS host itself is not activated.',
    remedy: 'Activate the host key on the KMS host (slmgr /ato, online or by phone).',
  }],
  [0xc004f074, {
    meaning: `${SLS} reported that the computer could not be activated. No Key Management Service (KMS) could be contacted.`,
    cause: 'Every host the client tried returned an error or did not answer: Software Protection service stopped on the host, TCP 1688 blocked, or stale _vlmcs._tcp SRV records.',
    remedy: "Read the client's event 12288 for the host and code it got; check the host service, the firewall and the SRV records.",
  }],
  [0xc004c008, {
    meaning: 'The activation server determined that the specified product key could not be used.',
    cause: 'The KMS host key (CSVLK) has reached its activation limit (10 activations on up to 6 hosts).',
    remedy: 'Use another host key or ask Microsoft licensing to allow more activations of this key.',
  }],
  [0xc004f035, {
    meaning: `${SLS} reported that the computer could not be activated with a Volume license product key. Volume-licensed systems require upgrading from a qualifying operating system.`,
    cause: 'The computer lacks the OEM BIOS marker of a qualifying operating system (volume upgrade rule).',
    remedy: 'Use a MAK or a qualifying licence for this computer.',
  }],
  [0xc004f050, {
    meaning: `${SLS} reported that the product key is invalid.`,
    cause: 'A mistyped key, a pre-release key on a release build, or typographic dashes instead of hyphens.',
    remedy: "Re-enter the key; for KMS clients use the GVLK from Microsoft's KMS client key table.",
  }],
  [0xc004f00f, {
    meaning: `${SLS} reported that the hardware ID binding is beyond level of tolerance.`,
    cause: 'A hardware or driver change moved the system into out-of-tolerance grace.',
    remedy: 'Reactivate: restart, then run slmgr /ato (KMS client or host).',
  }],
  [0xc004f014, {
    meaning: `${SLS} reported that the product key is not available.`,
    cause: 'No product key is installed.',
    remedy: 'Install the GVLK with slmgr /ipk <key>, then run slmgr /ato.',
  }],
  [0xc004f015, {
    meaning: `${SLS} reported that the license is not installed.`,
    cause: 'The licence for the requested product is missing on the system that handled the request.',
    remedy: 'Install the licence (on a KMS host: a host key and updates that cover the product), then retry.',
  }],
  [0xc0020017, {
    meaning: 'The RPC server is unavailable.',
    cause: 'The client could not reach the KMS service over RPC.',
    remedy: 'Check name resolution, TCP 1688 and the Software Protection service on the host.',
  }],
  [0x80070005, {
    meaning: 'Access denied. The requested action requires elevated privileges.',
    cause: 'slmgr or the licensing call ran without elevation (UAC).',
    remedy: 'Run the command from an elevated prompt.',
  }],
  [0x8007232a, {
    meaning: 'DNS server failure.',
    cause: 'A network or DNS problem; seen when the host cannot publish its _vlmcs._tcp SRV record (event 12293).',
    remedy: "Check the host's DNS servers and its permission to register the _vlmcs._tcp SRV record.",
  }],
  [0x8007232b, {
    meaning: 'DNS name does not exist.',
    cause: 'The client found no _vlmcs._tcp SRV record for its domain.',
    remedy: DNS_SRV_REMEDY,
  }],
  [0x8007251d, {
    meaning: 'No records found for DNS query.',
    cause: 'No _vlmcs._tcp SRV records exist for the client domain.',
    remedy: DNS_SRV_REMEDY,
  }],
  [0x800706ba, {
    meaning: 'The RPC server is unavailable.',
    cause: 'The host firewall blocks TCP 1688, or a stale SRV record points at a machine that is no longer a KMS host.',
    remedy: 'Open TCP 1688 on the host; remove stale _vlmcs._tcp records.',
  }],
  [0x8007007b, {
    meaning: 'DNS name does not exist.',
    cause: 'The SRV lookup for the KMS host failed.',
    remedy: DNS_SRV_REMEDY,
  }],
  [0x80092328, {
    meaning: 'DNS name does not exist.',
    cause: 'The SRV lookup for the KMS host failed.',
    remedy: DNS_SRV_REMEDY,
  }],
  [0x4004f040, {
    meaning: `${SLS} reported that the product was activated but the owner should verify the Product Use Rights.`,
    cause: 'Informational: activation succeeded.',
    remedy: 'None; verify the product use rights.',
  }],
  [0x4004f041, {
    meaning: 'Informational: no binding server registration (SL_I_VL_OOB_NO_BINDING_SERVER_REGISTRATION).',
    cause: 'Informational status returned with a volume activation.',
    remedy: 'None.',
  }],
  [0x4004f042, {
    meaning: `${SLS} determined that the specified Key Management Service (KMS) cannot be used (informational).`,
    cause: 'The host cannot serve this product; informational variant of 0xC004F042.',
    remedy: 'As for 0xC004F042: use a host whose key covers the product.',
  }],
  [0x4004f056, {
    meaning: `${SLS} reported that the product could not be activated using the Key Management Service (KMS).`,
    cause: 'Informational: KMS activation did not succeed.',
    remedy: 'Read the result of the next request; check the host count and reachability.',
  }],
]);
