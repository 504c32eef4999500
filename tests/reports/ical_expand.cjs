// Expands the first VEVENT of an iCalendar file with Mozilla's ical.js (the parser Thunderbird
// and many web calendars use) and prints the UTC instants of the occurrences on the given days.
// Usage: node ical_expand.cjs FILE YYYY-MM-DD [YYYY-MM-DD ...]   (prints one ISO instant per line)
"use strict";
const fs = require("fs");
const ICAL = require("ical.js");

const [file, ...days] = process.argv.slice(2);
const root = new ICAL.Component(ICAL.parse(fs.readFileSync(file, "utf8")));
for (const zone of root.getAllSubcomponents("vtimezone")) {
  ICAL.TimezoneService.register(zone);
}
const event = new ICAL.Event(root.getFirstSubcomponent("vevent"));
const wanted = new Set(days);
const last = days.slice().sort().pop();
const iterator = event.iterator();
let next;
while ((next = iterator.next())) {
  const day = next.toString().slice(0, 10);
  if (day > last) break;
  if (wanted.has(day)) {
    console.log(new Date(next.toUnixTime() * 1000).toISOString());
  }
}
