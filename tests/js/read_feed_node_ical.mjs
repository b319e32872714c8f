// Reads an .ics feed on stdin with node-ical (what many Node calendar tools, MagicMirror among
// them, use) and prints, as JSON, each VEVENT's UID and instants: UTC epoch seconds for date-times,
// the calendar date for all-day values, so the Python tests can compare them with the engine's.
//
// node-ical gives all-day values as Date objects at local midnight of the process's zone (TZ), so
// their date is read with the local getters; the tests run this under more than one TZ.
//
// Usage: TZ=UTC node tests/js/read_feed_node_ical.mjs < feed.ics
import ical from "node-ical";

function readStdin() {
  return new Promise((resolve, reject) => {
    const chunks = [];
    process.stdin.on("data", (chunk) => chunks.push(chunk));
    process.stdin.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    process.stdin.on("error", reject);
  });
}

function pad(n) {
  return String(n).padStart(2, "0");
}

function value(date) {
  if (date && date.dateOnly) {
    const day = `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
    return { is_date: true, local: day };
  }
  return { is_date: false, epoch: Math.round(date.getTime() / 1000) };
}

async function main() {
  const text = await readStdin();
  const data = ical.sync.parseICS(text);
  const events = Object.values(data)
    .filter((item) => item && item.type === "VEVENT")
    .map((event) => ({
      uid: event.uid,
      summary: event.summary,
      start: value(event.start),
      end: value(event.end),
    }));
  process.stdout.write(JSON.stringify({ events }));
}

main().catch((error) => {
  process.stderr.write(`read_feed_node_ical.mjs: ${error && error.stack ? error.stack : error}\n`);
  process.exit(1);
});
