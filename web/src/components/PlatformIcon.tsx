// A platform's badge: its initials on a colour derived from its id, so a new platform gets one without code here.
import { usePlatforms } from '../api/platforms';

function hue(id: string): number {
  let h = 0;
  for (const c of id) h = (h * 31 + c.charCodeAt(0)) % 360;
  return h;
}

export function PlatformIcon({ platform, size = 22 }: { platform: string; size?: number }) {
  const { nameOf } = usePlatforms();
  const name = nameOf(platform);
  const initials = name.split(/\s+/).map((w) => w[0]).join('').slice(0, 2).toUpperCase();
  return (
    <span
      className="platform-icon" role="img" aria-label={name} title={name}
      style={{ width: size, height: size, fontSize: size * 0.45, background: `hsl(${hue(platform)} 55% 32%)` }}
    >
      {initials}
    </span>
  );
}
