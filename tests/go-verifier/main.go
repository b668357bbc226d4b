// Command go-verifier checks Pilotdeck's log artifacts with Go's own transparency-log packages
// (golang.org/x/mod/sumdb/note and sumdb/tlog), which nobody on the Pilotdeck team wrote. If these
// accept what the .NET library produces, so will any other verifier built on them.
//
// Usage:
//
//	go-verifier -key KEYFILE -checkpoint NOTEFILE [-stored HASHFILE] [-signing-key SKEYFILE] < CHECKS
//
// KEYFILE holds a signed-note verifier key, NOTEFILE a signed tlog checkpoint. HASHFILE, when given,
// holds the log's stored hashes in slot order (one base64 hash a line); Go recomputes the root from
// them with its own slot layout. SKEYFILE, when given, holds the matching signing key text, which
// Go's note.NewSigner must accept as the same key. CHECKS has one check a line ("-" stands for an empty proof):
//
//	inclusion <leaf index> <base64 leaf data> <base64 hash>,<base64 hash>,...
//	consistency <old size> <base64 old root> <base64 hash>,<base64 hash>,...
//
// Both are checked against the checkpoint's size and root. One result line per check; the exit
// status is 1 when anything failed, 2 on bad usage.
package main

import (
	"bufio"
	"encoding/base64"
	"errors"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

type checkpoint struct {
	origin  string
	size    int64
	root    tlog.Hash
	keyHash uint32
	text    string // the note text, as signed
	signed  string // the whole signed note
}

func main() {
	keyFile := flag.String("key", "", "file with the verifier key")
	checkpointFile := flag.String("checkpoint", "", "file with the signed checkpoint")
	storedFile := flag.String("stored", "", "optional file with the stored hashes, one base64 hash a line")
	signingKeyFile := flag.String("signing-key", "", "optional file with the signing key text")
	flag.Parse()
	if *keyFile == "" || *checkpointFile == "" {
		flag.Usage()
		os.Exit(2)
	}

	cp, err := openCheckpoint(*keyFile, *checkpointFile)
	if err != nil {
		fmt.Printf("FAIL checkpoint: %v\n", err)
		os.Exit(1)
	}
	fmt.Printf("ok checkpoint %s size %d root %s\n", cp.origin, cp.size, cp.root)

	failed := 0
	report := func(what string, err error) {
		if err != nil {
			failed++
			fmt.Printf("FAIL %s: %v\n", what, err)
		} else {
			fmt.Printf("ok %s\n", what)
		}
	}
	if *signingKeyFile != "" {
		report("signing key", checkSigningKey(*signingKeyFile, cp))
	}
	if *storedFile != "" {
		report("stored hashes", checkStoredHashes(*storedFile, cp))
	}
	scanner := bufio.NewScanner(os.Stdin)
	scanner.Buffer(make([]byte, 1<<20), 1<<24)
	for scanner.Scan() {
		line := strings.TrimSpace(scanner.Text())
		if line == "" {
			continue
		}
		report(firstTwoFields(line), checkLine(line, cp))
	}
	if err := scanner.Err(); err != nil {
		report("reading checks", err)
	}
	if failed > 0 {
		fmt.Printf("%d checks failed\n", failed)
		os.Exit(1)
	}
}

// openCheckpoint verifies the note signature with note.Open, then reads the tlog-checkpoint text.
// Go's tlog.ParseTree only knows the Go checksum database's fixed first line, so the three checkpoint
// lines are read here; the origin must be the key's name.
func openCheckpoint(keyFile, checkpointFile string) (checkpoint, error) {
	keyText, err := os.ReadFile(keyFile)
	if err != nil {
		return checkpoint{}, err
	}
	verifier, err := note.NewVerifier(strings.TrimSpace(string(keyText)))
	if err != nil {
		return checkpoint{}, fmt.Errorf("verifier key: %w", err)
	}
	msg, err := os.ReadFile(checkpointFile)
	if err != nil {
		return checkpoint{}, err
	}
	n, err := note.Open(msg, note.VerifierList(verifier))
	if err != nil {
		return checkpoint{}, fmt.Errorf("note.Open: %w", err)
	}
	lines := strings.Split(strings.TrimSuffix(n.Text, "\n"), "\n")
	if len(lines) < 3 {
		return checkpoint{}, errors.New("checkpoint text has fewer than three lines")
	}
	if lines[0] != verifier.Name() {
		return checkpoint{}, fmt.Errorf("origin %q is not the key name %q", lines[0], verifier.Name())
	}
	size, err := strconv.ParseInt(lines[1], 10, 64)
	if err != nil || size < 0 || strconv.FormatInt(size, 10) != lines[1] {
		return checkpoint{}, fmt.Errorf("bad tree size %q", lines[1])
	}
	root, err := tlog.ParseHash(lines[2])
	if err != nil {
		return checkpoint{}, fmt.Errorf("bad root hash: %w", err)
	}
	return checkpoint{origin: lines[0], size: size, root: root, keyHash: verifier.KeyHash(), text: n.Text, signed: string(msg)}, nil
}

func checkLine(line string, cp checkpoint) error {
	fields := strings.Fields(line)
	if len(fields) != 4 {
		return fmt.Errorf("want 4 fields, got %d", len(fields))
	}
	proof, err := parseHashes(fields[3])
	if err != nil {
		return err
	}
	switch fields[0] {
	case "inclusion":
		index, err := strconv.ParseInt(fields[1], 10, 64)
		if err != nil {
			return err
		}
		data, err := base64.StdEncoding.DecodeString(fields[2])
		if err != nil {
			return err
		}
		// Go's RecordProof lists the audit path leaf-to-root, the same order as RFC 9162.
		return tlog.CheckRecord(tlog.RecordProof(proof), cp.size, cp.root, index, tlog.RecordHash(data))
	case "consistency":
		oldSize, err := strconv.ParseInt(fields[1], 10, 64)
		if err != nil {
			return err
		}
		oldRoot, err := tlog.ParseHash(fields[2])
		if err != nil {
			return err
		}
		return tlog.CheckTree(tlog.TreeProof(proof), cp.size, cp.root, oldSize, oldRoot)
	default:
		return fmt.Errorf("unknown check %q", fields[0])
	}
}

// checkSigningKey parses the signing key with note.NewSigner (which checks the key id against the
// derived public key) and signs the checkpoint's text again: Ed25519 is deterministic, so the
// signature must be the one already on the checkpoint.
func checkSigningKey(file string, cp checkpoint) error {
	text, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	signer, err := note.NewSigner(strings.TrimSpace(string(text)))
	if err != nil {
		return fmt.Errorf("note.NewSigner: %w", err)
	}
	if signer.Name() != cp.origin || signer.KeyHash() != cp.keyHash {
		return fmt.Errorf("signing key %s+%08x is not the checkpoint's key %s+%08x", signer.Name(), signer.KeyHash(), cp.origin, cp.keyHash)
	}
	resigned, err := note.Sign(&note.Note{Text: cp.text}, signer)
	if err != nil {
		return err
	}
	if string(resigned) != cp.signed {
		return errors.New("Go's signature with this key differs from the checkpoint's")
	}
	return nil
}

// checkStoredHashes asks Go's tlog to compute the root from the stored hashes with its own slot
// numbering, which proves the .NET store lays hashes out exactly as Go would.
func checkStoredHashes(file string, cp checkpoint) error {
	content, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	stored, err := parseHashes(strings.Join(strings.Fields(string(content)), ","))
	if err != nil {
		return err
	}
	if want := tlog.StoredHashCount(cp.size); int64(len(stored)) != want {
		return fmt.Errorf("%d stored hashes, Go expects %d for size %d", len(stored), want, cp.size)
	}
	reader := tlog.HashReaderFunc(func(indexes []int64) ([]tlog.Hash, error) {
		out := make([]tlog.Hash, len(indexes))
		for i, index := range indexes {
			if index < 0 || index >= int64(len(stored)) {
				return nil, fmt.Errorf("slot %d not stored", index)
			}
			out[i] = stored[index]
		}
		return out, nil
	})
	root, err := tlog.TreeHash(cp.size, reader)
	if err != nil {
		return err
	}
	if root != cp.root {
		return fmt.Errorf("Go computes root %s from the stored hashes, the checkpoint says %s", root, cp.root)
	}
	return nil
}

func parseHashes(list string) ([]tlog.Hash, error) {
	if list == "-" {
		return nil, nil
	}
	var hashes []tlog.Hash
	for _, item := range strings.Split(list, ",") {
		h, err := tlog.ParseHash(item)
		if err != nil {
			return nil, fmt.Errorf("hash %q: %w", item, err)
		}
		hashes = append(hashes, h)
	}
	return hashes, nil
}

func firstTwoFields(line string) string {
	fields := strings.Fields(line)
	if len(fields) > 2 {
		fields = fields[:2]
	}
	return strings.Join(fields, " ")
}
