// Number, size, duration and time formatting, in the browser's locale and time zone.

const integer = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });
const decimal = new Intl.NumberFormat(undefined, { maximumFractionDigits: 2 });
const dateTime = new Intl.DateTimeFormat(undefined, {
  year: 'numeric', month: '2-digit', day: '2-digit',
  hour: '2-digit', minute: '2-digit', second: '2-digit', fractionalSecondDigits: 3,
});

export function count(value) {
  return integer.format(value);
}

export function number(value) {
  return Math.abs(value) >= 100 ? integer.format(value) : decimal.format(value);
}

export function bytes(value) {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let unit = 0;
  let scaled = value;
  while (Math.abs(scaled) >= 1024 && unit < units.length - 1) {
    scaled /= 1024;
    unit++;
  }
  return (unit === 0 ? integer.format(scaled) : decimal.format(scaled)) + ' ' + units[unit];
}

export function millis(value) {
  if (value === 0) return '0 ms';
  if (value < 1) return decimal.format(value * 1000) + ' µs';
  if (value < 1000) return decimal.format(value) + ' ms';
  return decimal.format(value / 1000) + ' s';
}

export function duration(seconds) {
  const d = Math.floor(seconds / 86400);
  const h = Math.floor((seconds % 86400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = Math.floor(seconds % 60);
  if (d > 0) return `${d}d ${h}h ${m}m`;
  if (h > 0) return `${h}h ${m}m ${s}s`;
  if (m > 0) return `${m}m ${s}s`;
  return `${s}s`;
}

/** An RFC 3339 timestamp in the browser's zone (millisecond precision; the UTC original is kept for a tooltip). */
export function localTime(iso) {
  return dateTime.format(new Date(iso));
}

/** The value of a datetime-local input (in the browser's zone) as RFC 3339 UTC, or '' when empty. */
export function fromLocalInput(value) {
  return value ? new Date(value).toISOString() : '';
}

/** An RFC 3339 timestamp as a datetime-local input value in the browser's zone. */
export function toLocalInput(iso) {
  if (!iso) return '';
  const date = new Date(iso);
  const local = new Date(date.getTime() - date.getTimezoneOffset() * 60000);
  return local.toISOString().slice(0, 19);
}
