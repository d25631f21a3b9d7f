# Workload identities for benchmarks: a throwaway root and one certificate per service (ECDSA P-256, SPIFFE ID
# spiffe://cluster.local/ns/default/sa/<service>), laid out as a sidecar's --identity-dir expects.
# Usage: make_identities DIR SERVICE...   -> DIR/<service>/{cert-chain.pem,key.pem,root-cert.pem}
make_identities() {
  local pki="$1" svc
  shift
  command -v openssl >/dev/null || { echo "make_identities: openssl not installed" >&2; return 1; }
  mkdir -p "$pki"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
    -keyout "$pki/root.key" -out "$pki/root.pem" -subj "/O=Trellis bench/CN=bench root" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null || return 1
  for svc in "$@"; do
    mkdir -p "$pki/$svc"
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$pki/$svc/key.pem" \
      -out "$pki/$svc/leaf.csr" -subj "/O=Trellis bench" 2>/dev/null || return 1
    printf 'subjectAltName=URI:spiffe://cluster.local/ns/default/sa/%s\nbasicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth,clientAuth\n' \
      "$svc" >"$pki/$svc/ext.cnf"
    openssl x509 -req -in "$pki/$svc/leaf.csr" -CA "$pki/root.pem" -CAkey "$pki/root.key" -CAcreateserial -days 2 \
      -extfile "$pki/$svc/ext.cnf" -out "$pki/$svc/cert-chain.pem" 2>/dev/null || return 1
    cp "$pki/root.pem" "$pki/$svc/root-cert.pem"
  done
}
