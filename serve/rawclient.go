package serve

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"strconv"
	"time"
)

// rawClient is the load generator's HTTP/1.1 client: one keep-alive
// connection, requests written from bytes prepared once, answers read
// with one buffered reader. net/http's client spends two goroutine
// hand-offs and a few allocations per request; on the two cores that the
// server and the load generator share, that time was taken from the
// server. It speaks only what the load test needs: POST with a
// Content-Length, answers with a Content-Length.
type rawClient struct {
	addr string
	dial func(ctx context.Context, network, addr string) (net.Conn, error)
	conn net.Conn
	br   *bufio.Reader
	buf  []byte
}

// rawRequests prepares the bytes of one POST per body.
func rawRequests(u *url.URL, path string, bodies [][]byte) [][]byte {
	out := make([][]byte, len(bodies))
	for i, b := range bodies {
		head := fmt.Sprintf("POST %s HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n", path, u.Host, len(b))
		out[i] = append([]byte(head), b...)
	}
	return out
}

// do sends one prepared request and reads its answer; a non-200 status is
// an error carrying the start of the body.
func (c *rawClient) do(ctx context.Context, req []byte) error {
	if c.conn == nil {
		conn, err := c.dial(ctx, "tcp", c.addr)
		if err != nil {
			return err
		}
		c.conn, c.br = conn, bufio.NewReaderSize(conn, 64<<10)
	}
	err := c.roundTrip(req)
	if err != nil {
		c.close()
	}
	return err
}

func (c *rawClient) close() {
	if c.conn != nil {
		c.conn.Close()
		c.conn = nil
	}
}

func (c *rawClient) roundTrip(req []byte) error {
	c.conn.SetDeadline(time.Now().Add(30 * time.Second))
	if _, err := c.conn.Write(req); err != nil {
		return err
	}
	line, err := c.br.ReadSlice('\n')
	if err != nil {
		return err
	}
	// "HTTP/1.1 200 OK\r\n"
	if len(line) < 12 || !bytes.HasPrefix(line, []byte("HTTP/1.")) {
		return fmt.Errorf("malformed status line %q", line)
	}
	status, err := strconv.Atoi(string(line[9:12]))
	if err != nil {
		return fmt.Errorf("malformed status line %q", line)
	}
	length, closeAfter := -1, false
	for {
		h, err := c.br.ReadSlice('\n')
		if err != nil {
			return err
		}
		h = bytes.TrimRight(h, "\r\n")
		if len(h) == 0 {
			break
		}
		name, value, _ := bytes.Cut(h, []byte(":"))
		value = bytes.TrimSpace(value)
		switch {
		case bytes.EqualFold(name, []byte("Content-Length")):
			if length, err = strconv.Atoi(string(value)); err != nil || length < 0 || length > 16<<20 {
				return fmt.Errorf("bad Content-Length %q", value)
			}
		case bytes.EqualFold(name, []byte("Connection")) && bytes.EqualFold(value, []byte("close")):
			closeAfter = true
		case bytes.EqualFold(name, []byte("Transfer-Encoding")):
			return errors.New("the load generator reads only answers with a Content-Length")
		}
	}
	if length < 0 {
		return errors.New("answer without Content-Length")
	}
	c.buf = append(c.buf[:0], make([]byte, length)...)
	if _, err := io.ReadFull(c.br, c.buf); err != nil {
		return err
	}
	if closeAfter {
		c.close()
	}
	if status != 200 {
		return fmt.Errorf("HTTP %d: %.200s", status, c.buf)
	}
	return nil
}
