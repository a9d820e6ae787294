// The few glyphs the console uses, inline so no icon font or package is needed.
type P = { size?: number; title?: string };
const svg = (size: number, title: string | undefined, path: React.ReactNode) => (
  <svg width={size} height={size} viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth={2} strokeLinecap="round" strokeLinejoin="round" role={title ? 'img' : undefined} aria-hidden={title ? undefined : true} aria-label={title}>
    {path}
  </svg>
);
export const LockIcon = ({ size = 12, title }: P) => svg(size, title, <><rect x="5" y="11" width="14" height="10" rx="2" /><path d="M8 11V7a4 4 0 0 1 8 0v4" /></>);
export const SearchIcon = ({ size = 18, title }: P) => svg(size, title, <><circle cx="11" cy="11" r="7" /><path d="m20 20-3.5-3.5" /></>);
export const ShieldIcon = ({ size = 22, title }: P) => svg(size, title, <path d="M12 3l8 3v6c0 5-3.4 8.7-8 10-4.6-1.3-8-5-8-10V6z" />);
export const CheckIcon = ({ size = 18, title }: P) => svg(size, title, <path d="m5 12 5 5 9-10" />);
export const AlertIcon = ({ size = 18, title }: P) => svg(size, title, <><path d="M12 3 2 21h20z" /><path d="M12 10v5M12 18h.01" /></>);
export const InboxIcon = ({ size = 22, title }: P) => svg(size, title, <><path d="M3 13h5l2 3h4l2-3h5" /><path d="M5 5h14l2 8v6H3v-6z" /></>);
export const ChevronIcon = ({ size = 16, title }: P) => svg(size, title, <path d="m9 6 6 6-6 6" />);
