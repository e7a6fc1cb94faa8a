// The user's accounts, loaded once by the composer and read by its parts (pickers, panels, issue messages).
import { createContext } from 'react';
import type { Account } from '../../api/types';

export const ComposerAccountsContext = createContext<readonly Account[]>([]);
