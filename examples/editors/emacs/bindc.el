;;; bindc.el --- .bind files with the bindc language server  -*- lexical-binding: t -*-

;; For Emacs 28 and later with eglot (Debian 12: `apt install emacs
;; elpa-eglot'; Emacs 29 has eglot built in).  .bind files get `bind-mode'
;; (`#' comments) and eglot starts `bindc lsp' for them: diagnostics in
;; flymake, hover in eldoc, completion, `xref-find-definitions', quick fixes
;; with `eglot-code-actions', formatting with `eglot-format-buffer', symbols
;; in imenu.
;;
;; Install: copy this file to ~/.emacs.d/lisp/ and add to init.el
;;   (setq bindc-program "/path/to/bindc")   ; when bindc is not on PATH
;;   (load "~/.emacs.d/lisp/bindc.el")

(require 'eglot)

(defvar bindc-program "bindc"
  "The bindc executable: a name on PATH or a full path.")

(defvar bind-mode-syntax-table
  (let ((st (make-syntax-table)))
    (modify-syntax-entry ?# "<" st)
    (modify-syntax-entry ?\n ">" st)
    (modify-syntax-entry ?' "\"" st)
    st)
  "Syntax table of `bind-mode': `#' to the end of the line is a comment.")

(define-derived-mode bind-mode prog-mode "Bind"
  "Major mode for bindc's .bind files (web-server site bindings)."
  (setq-local comment-start "# ")
  (setq-local comment-start-skip "#+\\s-*"))

(add-to-list 'auto-mode-alist '("\\.bind\\'" . bind-mode))
(add-to-list 'eglot-server-programs
             `(bind-mode . ,(lambda (&rest _) (list bindc-program "lsp"))))

(defvar bindc--warned nil
  "Non-nil once the user was told that bindc cannot be found.")

(defun bindc--eglot-ensure ()
  "Start eglot for this buffer when bindc can be found.
Without it, say once how to install it: the buffer keeps `bind-mode',
and no server fails to start."
  (if (executable-find bindc-program)
      (eglot-ensure)
    (unless bindc--warned
      (setq bindc--warned t)
      (display-warning
       'bindc
       (format (concat "`%s' was not found, so .bind files get no diagnostics.  "
                       "Install it: build it from its sources (cmake -S . -B build && cmake --build build) "
                       "and put build/bindc on PATH, or install its Debian package (cpack -G DEB in build/, "
                       "then sudo dpkg -i bindc_*.deb); or set `bindc-program' to its full path.")
               bindc-program)
       :warning))))

(add-hook 'bind-mode-hook #'bindc--eglot-ensure)

(provide 'bindc)
;;; bindc.el ends here
