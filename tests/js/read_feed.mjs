// Reads an .ics feed on stdin with Mozilla's ical.js (what Thunderbird uses) and prints, as JSON,
// what ical.js understood of each VEVENT: its instants as UTC epoch seconds, so the Python tests can
// compare them with the instants the engine computed.
//
// The feed's own VTIMEZONEs are registered with ICAL.TimezoneService before any event is read, so
// a TZID resolves to the definition the feed ships (ical.js 2.x also finds it through the component
// tree; registering makes the lookup explicit and independent of that). A TZID that resolves to
// nothing would silently become floating time, so it is reported as `unresolved`, never guessed.
//
// Usage: node tests/js/read_feed.mjs < feed.ics
import ICAL from "ical.js";

function readStdin() {
  return new Promise((resolve, reject) => {
    const chunks = [];
    process.stdin.on("data", (chunk) => chunks.push(chunk));
    process.stdin.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    process.stdin.on("error", reject);
  });
}

function zoneOf(time) {
  if (time.isDate) return "date";
  const tzid = time.zone ? time.zone.tzid : "floating";
  return tzid;
}

function instant(event, name, time) {
  const prop = event.component.getFirstProperty(name);
  const tzid = prop ? prop.getParameter("tzid") : null;
  const zone = zoneOf(time);
  return {
    epoch: time.toUnixTime(),
    is_date: time.isDate,
    tzid: tzid || null,
    zone,
    // a TZID parameter that ical.js could not map to a definition: the time became floating
    unresolved: Boolean(tzid) && (zone === "floating" || zone !== tzid),
    local: time.toString(),
  };
}

async function main() {
  const text = await readStdin();
  const calendar = new ICAL.Component(ICAL.parse(text));
  const zones = [];
  for (const vtimezone of calendar.getAllSubcomponents("vtimezone")) {
    const tzid = vtimezone.getFirstPropertyValue("tzid");
    ICAL.TimezoneService.register(vtimezone);
    zones.push(tzid);
  }
  const events = calendar.getAllSubcomponents("vevent").map((component) => {
    const event = new ICAL.Event(component);
    const start = instant(event, "dtstart", event.startDate);
    const end = instant(event, "dtend", event.endDate);
    return {
      uid: event.uid,
      summary: event.summary,
      start: start.epoch,
      end: end.epoch,
      is_date: start.is_date,
      start_detail: start,
      end_detail: end,
      alarms: component.getAllSubcomponents("valarm").length,
      url: component.getFirstPropertyValue("url"),
      related_to: component.getFirstPropertyValue("related-to"),
      sequence: event.sequence,
    };
  });
  process.stdout.write(JSON.stringify({ zones, events }));
}

main().catch((error) => {
  process.stderr.write(`read_feed.mjs: ${error && error.stack ? error.stack : error}\n`);
  process.exit(1);
});
