// The VM page's serial console: xterm.js in the page, a WebSocket to the panel
// (panel.console.consumers), which holds the SSH connection to the VM's console.
// - Open: POST for a ticket (CSRF-checked; refused in words when the person may not), then
//   the socket; its first message presents the ticket and the terminal's size.
// - Keys, pastes and resizes go up; the console's output comes down.
// - A dropped connection is tried again, with a fresh ticket, after 1, 2, 4… seconds (at most
//   15); a final close (the login ended, access gone, idle) says why and waits for the person.
// - xterm.js makes <style> elements: the page's CSP allows them with its nonce, so they are
//   stamped with the nonce of this script when they are made.
import { Terminal } from "@xterm/xterm";
import { FitAddon } from "@xterm/addon-fit";

const root = document.querySelector("[data-console]");
const script = document.getElementById("console-script");

function stampStyles(nonce) {
  if (!nonce || document.createElement.consoleStamped) return;
  const create = document.createElement.bind(document);
  const stamped = function (name, options) {
    const element = create(name, options);
    if (String(name).toLowerCase() === "style") element.setAttribute("nonce", nonce);
    return element;
  };
  stamped.consoleStamped = true;
  document.createElement = stamped;
}

function csrfToken() {
  try {
    return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
  } catch (error) {
    return "";
  }
}

class Console {
  constructor(element) {
    this.element = element;
    this.screen = element.querySelector("[data-console-screen]");
    this.status = element.querySelector("[data-console-status]");
    this.buttons = {
      open: element.querySelector("[data-console-open]"),
      close: element.querySelector("[data-console-close]"),
      copy: element.querySelector("[data-console-copy]"),
      paste: element.querySelector("[data-console-paste]"),
    };
    this.socket = null;
    this.wanted = false; // the person wants it open: drops are tried again
    this.retries = 0;
    this.buttons.open.addEventListener("click", () => this.open());
    this.buttons.close.addEventListener("click", () => this.close());
    this.buttons.copy.addEventListener("click", () => this.copy());
    this.buttons.paste.addEventListener("click", () => this.paste());
    // The page renders Open disabled: it works from here on.
    this.buttons.open.disabled = false;
  }

  say(text, error) {
    this.status.textContent = text;
    this.status.classList.toggle("console-error", Boolean(error));
  }

  showing(open) {
    this.buttons.open.hidden = open;
    this.buttons.close.hidden = !open;
    this.buttons.copy.hidden = !open;
    this.buttons.paste.hidden = !open;
  }

  terminal() {
    if (this.term) return this.term;
    stampStyles(script && script.nonce);
    this.screen.hidden = false;
    this.term = new Terminal({ cursorBlink: true, convertEol: false, scrollback: 5000 });
    this.fit = new FitAddon();
    this.term.loadAddon(this.fit);
    this.term.open(this.screen);
    this.fit.fit();
    this.term.onData((data) => this.send({ type: "input", data: data }));
    this.term.onResize((size) => this.send({ type: "resize", cols: size.cols, rows: size.rows }));
    window.addEventListener("resize", () => this.fit.fit());
    return this.term;
  }

  send(message) {
    if (this.socket && this.socket.readyState === WebSocket.OPEN) {
      this.socket.send(JSON.stringify(message));
    }
  }

  async open() {
    this.wanted = true;
    this.showing(true);
    const term = this.terminal();
    // xterm.js draws only while the terminal is on screen: bring it into view.
    this.screen.scrollIntoView({ block: "nearest" });
    term.focus();
    this.say("Connecting…");
    let answer;
    try {
      const response = await fetch(this.element.dataset.ticketUrl, {
        method: "POST",
        headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
        credentials: "same-origin",
      });
      answer = await response.json().catch(() => ({ error: `The panel answered ${response.status}.` }));
      if (!response.ok) {
        this.stop(answer.error || `The panel answered ${response.status}.`, response.status >= 500);
        return;
      }
    } catch (error) {
      this.retry("The panel could not be reached.");
      return;
    }
    this.connect(answer.ticket, answer.url);
  }

  connect(ticket, path) {
    const scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
    const socket = new WebSocket(`${scheme}//${window.location.host}${path}`);
    this.socket = socket;
    let final = false;
    let closing = ""; // why the panel closed it, when it said so
    socket.addEventListener("open", () => {
      socket.send(JSON.stringify({ type: "hello", ticket: ticket, cols: this.term.cols, rows: this.term.rows }));
    });
    socket.addEventListener("message", (event) => {
      const message = JSON.parse(event.data);
      if (message.type === "output") {
        this.term.write(message.data);
      } else if (message.type === "status") {
        final = message.state === "closed" && message.final !== false;
        if (message.state === "closed") closing = message.message;
        if (message.state === "open") this.retries = 0;
        this.say(message.message, message.state === "closed");
      }
    });
    socket.addEventListener("close", (event) => {
      if (this.socket !== socket) return;
      this.socket = null;
      if (!this.wanted) return;
      if (final || event.code === 1000) {
        this.stop(closing || "Closed.", true);
      } else {
        this.retry(closing || "The connection dropped.");
      }
    });
  }

  retry(why) {
    const seconds = Math.min(15, 2 ** this.retries);
    this.retries += 1;
    this.say(`${why} Trying again in ${seconds} s…`, true);
    window.setTimeout(() => {
      if (this.wanted && !this.socket) this.open();
    }, seconds * 1000);
  }

  stop(why, error) {
    this.wanted = false;
    this.showing(false);
    this.buttons.open.textContent = "Reconnect";
    this.say(why, error);
  }

  close() {
    this.wanted = false;
    if (this.socket) this.socket.close(1000);
    this.socket = null;
    this.showing(false);
    this.buttons.open.textContent = "Open console";
    this.say("Closed.");
  }

  copy() {
    const text = this.term ? this.term.getSelection() : "";
    if (text && navigator.clipboard) navigator.clipboard.writeText(text);
    if (this.term) this.term.focus();
  }

  async paste() {
    if (!navigator.clipboard) return;
    const text = await navigator.clipboard.readText().catch(() => "");
    if (text && this.term) this.term.paste(text);
    if (this.term) this.term.focus();
  }
}

if (root) new Console(root);
