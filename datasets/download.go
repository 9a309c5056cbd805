package datasets

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/rnnzoo/rnnzoo/internal/atomicfile"
)

// DownloadTimeout bounds one Download.
var DownloadTimeout = 30 * time.Minute

// Download fetches url into dst, checking its SHA-256 (hex) on the way. The
// file is written to a temporary file beside dst and renamed only when the
// checksum matches, so dst is either absent or complete. If dst already
// exists with the right checksum nothing is fetched. An empty sum is
// refused: every download is checked. Tests never call it.
func Download(url, sum, dst string) error {
	sum = strings.ToLower(strings.TrimSpace(sum))
	if len(sum) != 64 {
		return fmt.Errorf("datasets: download %s: want a 64-digit hex SHA-256, got %q", url, sum)
	}
	return DownloadVerified(url, dst, func(path string) error { return VerifySHA256(path, sum) })
}

// DownloadVerified is Download with a check of one's own (for example a
// checksum of the decompressed content, which survives a mirror's
// recompression). check receives the path of the complete temporary file
// (or of dst, to decide whether to fetch at all); dst is written only when
// check returns nil.
func DownloadVerified(url, dst string, check func(path string) error) error {
	if check == nil {
		return fmt.Errorf("datasets: download %s: no check given", url)
	}
	if err := check(dst); err == nil {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return fmt.Errorf("datasets: download %s: %w", url, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), DownloadTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return fmt.Errorf("datasets: download %s: %w", url, err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("datasets: download %s: %w", url, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("datasets: download %s: %s", url, resp.Status)
	}
	err = atomicfile.WriteVerified(dst, func(w io.Writer) error {
		_, err := io.Copy(w, resp.Body)
		return err
	}, check)
	if err != nil {
		return fmt.Errorf("datasets: download %s: %w", url, err)
	}
	return nil
}

// VerifySHA256 checks that the file at path has the given hex SHA-256.
func VerifySHA256(path, sum string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != strings.ToLower(sum) {
		return fmt.Errorf("%s: sha256 %s, want %s", path, got, sum)
	}
	return nil
}
